import { NonDeterminismError } from '@durable-runtime/core';
import type { ExecutionRecord, JournalEntry, OperationKind } from './store.js';

/**
 * Walks an execution's journal in program order. On replay each operation must match the recorded one at the same
 * position; a mismatch is a {@link NonDeterminismError}.
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
      throw new NonDeterminismError(
        `Execution '${this.record.id}' of workflow '${this.record.workflowName}' took a different path on replay: ` +
          `operation #${seq} is ${describe(kind, name)} but the journal recorded ${describe(recorded.kind, recorded.name)}`,
      );
    }
    return recorded;
  }
}

function describe(kind: OperationKind, name: string): string {
  return name ? `${kind}('${name}')` : kind;
}
