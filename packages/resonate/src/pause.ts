/** The longest delay `setTimeout` takes (a longer one fires at once, with a warning). */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/** Waits `ms` milliseconds (any length: re-armed in chunks), or until `signal` aborts. */
export function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const deadline = Date.now() + ms;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const arm = () => {
      const left = deadline - Date.now();
      if (left <= 0) return done();
      timer = setTimeout(arm, Math.min(left, MAX_TIMEOUT_MS));
    };
    signal?.addEventListener('abort', done, { once: true });
    arm();
  });
}
