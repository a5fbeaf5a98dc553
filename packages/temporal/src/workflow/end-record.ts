/**
 * What an ended execution records besides its outcome: its final state, so that `getState` of an ended execution
 * reads it from the recorded result with no worker running (rule 17). A completed execution returns
 * `{ [END_MARK]: 1, value, state }`; a failed or cancelled one carries `{ [END_MARK]: 1, state }` in its failure
 * details after the error shape. `state` is left out when it would make the recorded payload too large (then
 * reading it needs a worker, as while the execution runs).
 */
export const END_MARK = 'durable-runtime.end';

/** Largest state JSON (in UTF-8 bytes, plus the output's) kept in the recorded result: under Temporal's 2 MB. */
const STATE_IN_RESULT_MAX_BYTES = 1_500_000;

export interface EndRecord {
  readonly [END_MARK]: 1;
  readonly value?: unknown;
  readonly state?: Record<string, unknown>;
}

export function isEndRecord(value: unknown): value is EndRecord {
  return typeof value === 'object' && value !== null && (value as EndRecord)[END_MARK] === 1;
}

/** The record of an execution that ended with `value` (undefined for a failure) and `state`. */
export function endRecord(value: unknown, state: ReadonlyMap<string, unknown>): EndRecord {
  const entries = Object.fromEntries(state);
  const valueText = value === undefined ? '' : JSON.stringify(value);
  const size = jsonBytes(valueText) + jsonBytes(JSON.stringify(entries));
  const kept = size <= STATE_IN_RESULT_MAX_BYTES ? { state: entries } : {};
  return value === undefined ? { [END_MARK]: 1, ...kept } : { [END_MARK]: 1, value, ...kept };
}

/** Bytes of `text` in UTF-8, a surrogate pair counted as 5 (an upper bound is enough here). */
function jsonBytes(text: string): number {
  let bytes = 0;
  for (let index = 0; index < text.length; index++) {
    const unit = text.charCodeAt(index);
    bytes += unit < 0x80 ? 1 : unit < 0x800 ? 2 : 3;
  }
  return bytes;
}
