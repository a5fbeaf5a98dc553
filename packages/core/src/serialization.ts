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
  assertJson(value, where, '$', new Set());
  return JSON.parse(JSON.stringify(value));
}

/** Like {@link toJson} but only checks. */
export function assertSerializable(value: unknown, where: string): void {
  if (value !== undefined) assertJson(value, where, '$', new Set());
}

function assertJson(value: unknown, where: string, path: string, ancestors: Set<object>): void {
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

function assertJsonObject(value: object, where: string, path: string, ancestors: Set<object>): void {
  if (ancestors.has(value)) fail(where, path, 'the value contains a cycle');
  ancestors.add(value);
  if (Array.isArray(value)) {
    value.forEach((item, index) => {
      assertJson(item, where, `${path}[${index}]`, ancestors);
    });
  } else {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) {
      const kind = (value as { constructor?: { name?: string } }).constructor?.name ?? 'object';
      fail(where, path, `a ${kind} is not plain JSON (use plain objects, arrays, strings and numbers)`);
    }
    for (const [key, item] of Object.entries(value)) {
      if (item !== undefined) assertJson(item, where, `${path}.${key}`, ancestors);
    }
    if (Object.getOwnPropertySymbols(value).length > 0) fail(where, path, 'symbol keys are not JSON');
  }
  ancestors.delete(value);
}

function fail(where: string, path: string, problem: string): never {
  const at = path === '$' ? '' : ` at ${path.startsWith('$.') ? path.slice(2) : path.slice(1)}`;
  throw new SerializationError(`Cannot serialize ${where}${at}: ${problem}`);
}
