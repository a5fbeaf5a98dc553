import { PayloadTooLargeError } from './errors.js';
import { assertSerializable } from './serialization.js';

/**
 * The largest payload (input, output, step result, promise value, state value, message) every backend accepts, in
 * bytes of UTF-8 JSON: 1 MiB. Temporal, the tightest engine, refuses one payload of 2 MB and a gRPC message of
 * 4 MB, and keeps several payloads in one message; 1 MiB leaves room for that. Configurable with `maxPayloadBytes`.
 */
export const DEFAULT_MAX_PAYLOAD_BYTES = 1_048_576;

/**
 * {@link toJson}, and a size check: the JSON copy of `value`, or a {@link PayloadTooLargeError} naming the payload,
 * its size and the limit. Checked before the value reaches the engine, so that nothing over the limit is retried.
 */
export function toPayload(value: unknown, where: string, limitBytes: number = DEFAULT_MAX_PAYLOAD_BYTES): unknown {
  if (value === undefined || value === null || typeof value === 'boolean') return value;
  if (typeof value === 'number') return toJsonNumber(value, where);
  if (typeof value === 'string') {
    // A code unit is at most three bytes of UTF-8: most strings are decided by their length alone.
    if (value.length * 3 + 2 > limitBytes) checkSize(JSON.stringify(value), where, limitBytes);
    return value;
  }
  assertSerializable(value, where);
  const text = JSON.stringify(value);
  checkSize(text, where, limitBytes);
  return JSON.parse(text);
}

function toJsonNumber(value: number, where: string): number {
  // Checked only when it fails: the check allocates, and a number is most steps' argument and result.
  if (!Number.isFinite(value)) assertSerializable(value, where);
  return value === 0 ? 0 : value;
}

/** Throws a {@link PayloadTooLargeError} when `text` is over `limitBytes` bytes of UTF-8. */
export function checkSize(text: string, where: string, limitBytes: number): void {
  if (text.length * 3 <= limitBytes) return;
  const size = utf8Length(text);
  if (size > limitBytes) throw new PayloadTooLargeError(where, size, limitBytes);
}

/** Bytes of `text` in UTF-8 (no TextEncoder: this module runs in workflow sandboxes). */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let index = 0; index < text.length; index++) {
    const unit = text.charCodeAt(index);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff) {
      bytes += 4;
      index++;
    } else bytes += 3;
  }
  return bytes;
}
