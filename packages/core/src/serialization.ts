import { SerializationError } from './errors.js';

/** A JSON value: what every input, output, step result, promise value, state entry and message must be. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * Checks that `value` survives `JSON.stringify`/`JSON.parse` unchanged and returns its JSON copy.
 * `undefined` is accepted at the top level (a step or workflow that returns nothing) and as an object property
 * (dropped, as JSON does); everything else that JSON would change or refuse is rejected.
 * @param where names the value in the error, e.g. `"result of step 'chargeCard'"`.
 * @throws SerializationError naming the offending path.
 */
export function toJson(value: unknown, where: string): unknown {
  if (value === undefined) return undefined;
  // A string, a boolean or a finite number is its own JSON copy (but -0 reads back as 0).
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return value === 0 ? 0 : value;
  assertJson(value, where, ROOT, []);
  return JSON.parse(JSON.stringify(value));
}

/** Like {@link toJson} but only checks. */
export function assertSerializable(value: unknown, where: string): void {
  if (value !== undefined) assertJson(value, where, ROOT, []);
}

/**
 * Where a value sits in the checked value, built as the check descends and formatted only for an error message
 * (formatting every path up front would cost each call a string per nested value).
 */
interface Path {
  readonly parent: Path | undefined;
  readonly key: string | number;
}

const ROOT: Path = { parent: undefined, key: '$' };

/** `ancestors`: the objects being checked on the way down from the root, to find cycles. */
function assertJson(value: unknown, where: string, path: Path, ancestors: object[]): void {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return;
    case 'number':
      if (!Number.isFinite(value)) fail(where, path, `the number ${value} is not valid JSON`);
      return;
    case 'bigint':
      fail(where, path, 'a BigInt is not JSON (convert it to a string)');
      return;
    case 'function':
      fail(where, path, 'a function is not JSON (steps and workflows take data, not closures)');
      return;
    case 'symbol':
      fail(where, path, 'a symbol is not JSON');
      return;
    case 'undefined':
      fail(where, path, 'undefined is not JSON here (use null)');
      return;
  }
  if (value === null) return;
  assertJsonObject(value as object, where, path, ancestors);
}

function assertJsonObject(value: object, where: string, path: Path, ancestors: object[]): void {
  if (ancestors.includes(value)) fail(where, path, 'the value contains a cycle');
  ancestors.push(value);
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      assertJson(value[index], where, { parent: path, key: index }, ancestors);
    }
  } else {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) {
      const kind = (value as { constructor?: { name?: string } }).constructor?.name ?? 'object';
      fail(where, path, `a ${kind} is not plain JSON (use plain objects, arrays, strings and numbers)`);
    }
    for (const key in value) {
      if (!Object.hasOwn(value, key)) continue;
      const item = (value as Record<string, unknown>)[key];
      if (item !== undefined) assertJson(item, where, { parent: path, key }, ancestors);
    }
    if (Object.getOwnPropertySymbols(value).length > 0) fail(where, path, 'symbol keys are not JSON');
  }
  ancestors.pop();
}

/** `$`, `$.a.b`, `$[2].c`: the path as the messages name it. */
function formatPath(path: Path): string {
  if (!path.parent) return String(path.key);
  const parent = formatPath(path.parent);
  return typeof path.key === 'number' ? `${parent}[${path.key}]` : `${parent}.${path.key}`;
}

function fail(where: string, at: Path, problem: string): never {
  const path = formatPath(at);
  const location = path === '$' ? '' : ` at ${path.startsWith('$.') ? path.slice(2) : path.slice(1)}`;
  throw new SerializationError(`Cannot serialize ${where}${location}: ${problem}`);
}

/** A deep copy of a JSON value (as checked by {@link toJson}): what an engine hands out never aliases what it keeps. */
export function jsonCopy<T>(value: T): T {
  if (value === undefined || value === null) return value;
  // A string, a boolean or a finite number other than -0 is its own copy: most step results are one.
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number' && Number.isFinite(value) && !Object.is(value, -0)) return value;
  return JSON.parse(JSON.stringify(value)) as T;
}
