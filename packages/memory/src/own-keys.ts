/**
 * Promise, channel and state names are user data: `constructor`, `__proto__` and `toString` are names like any
 * other. Records are plain JSON objects, so every access by name goes through these helpers, which see own
 * properties only and define them instead of assigning (assigning `__proto__` would replace the prototype).
 */
export function ownValue<T>(object: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(object, key) ? object[key] : undefined;
}

export function hasOwnKey(object: object, key: string): boolean {
  return Object.hasOwn(object, key);
}

export function setOwn<T>(object: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(object, key, { value, writable: true, enumerable: true, configurable: true });
}

export function deleteOwn(object: Record<string, unknown>, key: string): void {
  if (Object.hasOwn(object, key)) delete object[key];
}
