import { describe, expect, test } from 'vitest';
import { jsonCopy, SerializationError, toJson } from '../src/index.js';

describe('toJson', () => {
  test('plain JSON passes and is copied', () => {
    const value = { a: [1, 'two', null, { b: true }], skipped: undefined };
    const copy = toJson(value, 'value');
    expect(copy).toEqual({ a: [1, 'two', null, { b: true }] });
    expect(copy).not.toBe(value);
    expect(toJson(undefined, 'nothing')).toBeUndefined();
  });

  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  test.each([
    ['a function', { f: () => 1 }, /f: a function/],
    ['a symbol', [Symbol('s')], /\[0\]: a symbol/],
    ['a BigInt', { n: 1n }, /n: a BigInt/],
    ['a cycle', cyclic, /self: the value contains a cycle/],
    ['a Date', { when: new Date(0) }, /when: a Date is not plain JSON/],
    ['a Map', new Map(), /a Map is not plain JSON/],
    ['NaN', { x: Number.NaN }, /x: the number NaN/],
    ['undefined in an array', [undefined], /\[0\]: undefined is not JSON/],
  ])('rejects %s naming the path', (_label, value, message) => {
    const attempt = () => toJson(value, "result of step 'x'");
    expect(attempt).toThrow(SerializationError);
    expect(attempt).toThrow(message);
    expect(attempt).toThrow(/Cannot serialize result of step 'x'/);
  });

  test('a shared (non-cyclic) object is fine', () => {
    const shared = { n: 1 };
    expect(toJson({ a: shared, b: shared }, 'value')).toEqual({ a: { n: 1 }, b: { n: 1 } });
  });
});

describe('jsonCopy', () => {
  test('objects and arrays are copied deeply, never aliased', () => {
    const value = { a: [1, { b: 'c' }] };
    const copy = jsonCopy(value);
    expect(copy).toEqual(value);
    expect(copy).not.toBe(value);
    expect(copy.a).not.toBe(value.a);
    expect(copy.a[1]).not.toBe(value.a[1]);
  });

  test('a primitive is its own copy, read back as JSON would', () => {
    expect(jsonCopy('text')).toBe('text');
    expect(jsonCopy(42)).toBe(42);
    expect(jsonCopy(false)).toBe(false);
    expect(jsonCopy(null)).toBeNull();
    expect(jsonCopy(undefined)).toBeUndefined();
    expect(Object.is(jsonCopy(-0), 0)).toBe(true);
    expect(jsonCopy(Number.NaN)).toBeNull();
  });
});
