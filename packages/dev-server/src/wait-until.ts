import type { ManagedProcess } from './managed-process.js';

/** How often {@link waitUntil} runs its check by default, in milliseconds. */
const DEFAULT_POLL_INTERVAL_MS = 50;

/**
 * Runs `check` every `intervalMs` until it resolves `true`. A check that rejects counts as not ready (its message is
 * kept for the timeout error).
 * @param what What is awaited, the subject of the error messages, e.g. `Resonate server on http://127.0.0.1:8001`.
 * @param check Whether the server is ready, e.g. a health request.
 * @param server The server process (or anything with its `exited` and `output()`): waiting ends as soon as it exits.
 * @param timeoutMs How long to wait.
 * @param intervalMs How long to pause between checks. @default 50
 * @throws Error `<what> exited with …` when the process ends first, or `<what> was not ready after <timeoutMs> ms`
 * when the time is up; either followed by the process's output.
 */
export async function waitUntil(
  what: string,
  check: () => Promise<boolean>,
  server: Pick<ManagedProcess, 'exited' | 'output'>,
  timeoutMs: number,
  intervalMs: number = DEFAULT_POLL_INTERVAL_MS,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exit: string | undefined;
  void server.exited.then((how) => {
    exit = how;
  });
  let lastError: string | undefined;
  while (Date.now() < deadline) {
    if (exit) throw new Error(`${what} ${exit}\n${server.output()}`);
    const ready = await check().catch((error: unknown) => {
      lastError = error instanceof Error ? error.message : String(error);
      return false;
    });
    if (ready) return;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  const last = lastError === undefined ? '' : ` (last check: ${lastError})`;
  throw new Error(`${what} was not ready after ${timeoutMs} ms${last}\n${server.output()}`);
}
