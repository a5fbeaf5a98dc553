/**
 * Calls `work` and returns its promise, a synchronous throw included as a rejection, as an async function would,
 * without an async frame of its own: on the wait paths of every execution, a suspended frame would stay alive for as
 * long as the execution waits.
 */
export function callAsync<T>(work: () => T | PromiseLike<T>): Promise<T> {
  try {
    return Promise.resolve(work());
  } catch (error) {
    return Promise.reject(error);
  }
}
