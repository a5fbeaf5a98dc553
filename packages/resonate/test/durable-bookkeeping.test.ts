import { Resonate } from '@resonatehq/sdk/async';
import { afterAll, describe, expect, test, vi } from 'vitest';
import { AttemptJournal } from '../src/attempt-journal.js';
import { Cancellation } from '../src/cancellation.js';
import { PromiseStore } from '../src/promise-store.js';

// What a Resonate server or PostgreSQL keeps in durable promises (local mode keeps it in the store's bookkeeping):
// checked here on the SDK's in-process network, through the same promise API a server answers.
const resonate = new Resonate({ logLevel: 'error' });
const store = new PromiseStore(resonate.promises);

afterAll(async () => {
  await resonate.stop();
});

describe('durable bookkeeping (server and PostgreSQL modes)', () => {
  test('failed attempts are kept in records, idempotently: the count, the last error, its retry time', async () => {
    const journal = new AttemptJournal(store);
    const executionId = `attempts-${crypto.randomUUID()}`;
    const stepId = `${executionId}:3`;
    expect(await journal.failed(executionId, stepId)).toEqual({ failed: 0 });
    const first = { failed: 1, error: { name: 'Error', message: 'one' }, retryAt: 1_000 };
    const last = { failed: 2, error: { name: 'TerminalError', message: 'two', code: 'TERMINAL' as const } };
    await journal.recordFailure(executionId, stepId, first);
    await journal.recordFailure(executionId, stepId, first);
    expect(await journal.failed(executionId, stepId)).toEqual(first);
    await journal.recordFailure(executionId, stepId, last);
    expect(await journal.failed(executionId, stepId)).toEqual(last);
    expect(await journal.failed(executionId, `${executionId}:4`)).toEqual({ failed: 0 });
  });

  test('a running step learns of a cancellation by polling the flag, also of one that came before it', async () => {
    const cancellation = new Cancellation(store);
    const executionId = `cancel-${crypto.randomUUID()}`;
    const signal = cancellation.acquire(executionId);
    expect(await cancellation.isCancelled(executionId)).toBe(false);
    await cancellation.cancel(executionId);
    expect(await cancellation.isCancelled(executionId)).toBe(true);
    await vi.waitFor(() => expect(signal.aborted).toBe(true), { timeout: 2_000, interval: 20 });
    cancellation.release(executionId);
    const late = cancellation.acquire(executionId);
    await vi.waitFor(() => expect(late.aborted).toBe(true), { timeout: 2_000, interval: 20 });
    cancellation.release(executionId);
  });

  test('a signal is polled until its last holder releases it', async () => {
    const cancellation = new Cancellation(store);
    const executionId = `cancel-${crypto.randomUUID()}`;
    const first = cancellation.acquire(executionId);
    expect(cancellation.acquire(executionId)).toBe(first);
    cancellation.release(executionId);
    await cancellation.cancel(executionId);
    await vi.waitFor(() => expect(first.aborted).toBe(true), { timeout: 2_000, interval: 20 });
    cancellation.release(executionId);
    const other = `cancel-${crypto.randomUUID()}`;
    const released = cancellation.acquire(other);
    cancellation.release(other);
    await cancellation.cancel(other);
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(released.aborted).toBe(false);
  });
});
