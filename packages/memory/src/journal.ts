import { divergenceError, type OperationKind, operationName } from '@durable-runtime/core/spi';
import type { ExecutionRecord, JournalEntry } from './store.js';

/**
 * Walks an execution's journal in program order. On replay each operation must match the recorded one at the same
 * position; a mismatch is a `NonDeterminismError` (core's {@link divergenceError}).
 */
export class JournalCursor {
  #position = 0;

  constructor(private readonly record: ExecutionRecord) {}

  /** The entry of the next operation: the recorded one on replay, or a new (not yet persisted) one. */
  next(kind: OperationKind, name: string): JournalEntry {
    const seq = this.#position++;
    const recorded = this.record.journal[seq];
    if (!recorded) {
      const entry: JournalEntry = { seq, kind, name };
      this.record.journal.push(entry);
      return entry;
    }
    if (recorded.kind !== kind || recorded.name !== name) {
      throw divergenceError({
        executionId: this.record.id,
        workflowName: this.record.workflowName,
        position: seq,
        recorded: operationName(recorded.kind, recorded.name),
        running: operationName(kind, name),
      });
    }
    return recorded;
  }
}
