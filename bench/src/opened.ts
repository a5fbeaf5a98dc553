import type { Program } from './types.js';

/**
 * What an engine session opened (servers, programs, directories), closed in reverse order: by the session's close,
 * or at once when opening fails part way (see {@link opening}).
 */
export class Opened {
  readonly #closers: (() => Promise<void> | void)[] = [];

  /** Registers `thing`, to be closed by `close(thing)`; returns it. */
  add<T>(thing: T, close: (thing: T) => Promise<void> | void): T {
    this.#closers.push(() => close(thing));
    return thing;
  }

  /** Registers a program, closed by its `close()`; returns it. */
  program<T extends Program>(program: T): T {
    return this.add(program, (opened) => opened.close());
  }

  /** Closes everything registered, the last first; every one even when some fail (the first failure is thrown). */
  async close(): Promise<void> {
    const failures: unknown[] = [];
    for (let close = this.#closers.pop(); close; close = this.#closers.pop()) {
      await Promise.resolve()
        .then(close)
        .catch((error: unknown) => failures.push(error));
    }
    if (failures.length > 0) throw failures[0];
  }
}

/** Runs `open` with a fresh {@link Opened}; when it throws, closes what it opened (ignoring their errors) and rethrows. */
export async function opening<T>(open: (opened: Opened) => Promise<T>): Promise<T> {
  const opened = new Opened();
  try {
    return await open(opened);
  } catch (error) {
    await opened.close().catch(() => undefined);
    throw error;
  }
}
