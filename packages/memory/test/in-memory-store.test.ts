import { describe, expect, test } from 'vitest';
import { createInMemoryStore, type ExecutionRecord, newRecord } from '../src/index.js';

const running = (id: string): ExecutionRecord => newRecord({ id, workflowName: 'w', input: null });

describe('the in-memory store shares no object with an engine', () => {
  test('a read is a copy: changing it changes nothing in the store', () => {
    const store = createInMemoryStore();
    const worker = store.connect({ worker: true });
    const record = running('copy');
    worker.create(record);
    worker.write({ ...record, state: { a: 1 } });
    const read = store.read('copy') as ExecutionRecord;
    read.state.a = 2;
    read.journal.push({ seq: 0, kind: 'now', name: '' });
    expect(store.read('copy')).toMatchObject({ state: { a: 1 }, journal: [] });
    worker.close(true);
  });

  test('what a closed or crashed connection wrote is kept; what its engine does to the object afterwards is not', () => {
    for (const release of [true, false]) {
      const store = createInMemoryStore();
      const worker = store.connect({ worker: true });
      const record = running(`closed-${release}`);
      worker.create(record);
      record.state.step = 'one';
      worker.write(record);
      worker.close(release);
      // A crashed engine's code still in flight changes its live record: the store must not see it.
      record.state.step = 'two';
      record.journal.push({ seq: 0, kind: 'now', name: '', result: { value: 1 } });
      expect(store.read(record.id)).toMatchObject({ state: { step: 'one' }, journal: [] });
    }
  });

  test('an ended execution is kept as written at its end', () => {
    const store = createInMemoryStore();
    const worker = store.connect({ worker: true });
    const record = running('ended');
    worker.create(record);
    const ended: ExecutionRecord = { ...record, status: 'completed', outcome: { status: 'completed', value: 3 } };
    worker.write(ended);
    ended.state.late = true;
    expect(store.read('ended')).toMatchObject({ status: 'completed', state: {} });
    worker.close(true);
  });
});
