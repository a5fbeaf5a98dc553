/** How many entries a per-process cache keeps (ids and ended executions never change, but memory is bounded). */
const CACHE_SIZE = 1_000;

/** Sets `key` in a bounded map; the oldest entry goes first. */
export function remember<V>(map: Map<string, V>, key: string, value: V): void {
  if (map.size >= CACHE_SIZE && !map.has(key)) map.delete(map.keys().next().value as string);
  map.set(key, value);
}
