import { ValidationError } from './errors.js';

const ID_PATTERN = /^[A-Za-z0-9._~-]{1,512}$/;

/** Checks an execution id: 1-512 characters from `A-Z a-z 0-9 . _ ~ -`, not `.` or `..`; the same rule everywhere. */
export function assertExecutionId(id: unknown, where = 'id'): asserts id is string {
  // `.` and `..` are path segments to the engines that put ids in URLs: refused everywhere, not on one engine.
  if (typeof id !== 'string' || !ID_PATTERN.test(id) || id === '.' || id === '..') {
    throw new ValidationError(
      `Invalid execution ${where} ${JSON.stringify(id)}: use 1-512 characters from A-Z a-z 0-9 . _ ~ - (not '.' or '..')`,
      [{ path: where, message: 'invalid execution id' }],
    );
  }
}

/** The id of the n-th child a parent starts without an explicit id: stable across replays. */
export function childExecutionId(parentId: string, childWorkflow: string, index: number): string {
  return `${parentId}.${childWorkflow}-${index}`;
}

/** A fresh random execution id (outside workflows only: it is not deterministic). */
export function randomExecutionId(): string {
  return (globalThis as unknown as { crypto: { randomUUID(): string } }).crypto.randomUUID();
}

/** Checks a promise, channel or state name: a non-empty string of at most 200 characters. */
export function assertName(name: unknown, what: string): asserts name is string {
  if (typeof name !== 'string' || name.length === 0 || name.length > 200) {
    throw new ValidationError(
      `Invalid ${what} ${JSON.stringify(name)}: use a non-empty string of at most 200 characters`,
      [{ path: what, message: 'invalid name' }],
    );
  }
}
