import type { NonDeterminismError } from '@durable-runtime/core';
import { type Divergence, divergenceError, operationName } from '@durable-runtime/core/spi';
import type { Context, Info } from '@resonatehq/sdk/async';
import { promiseIds } from './ids.js';
import type { LeafOptions, SdkCallOptions } from './leaf-options.js';
import { newStamp } from './scheduler.js';

/** The name of the end of an execution in divergence messages (and of its record, in earlier versions). */
const END = operationName('end');

/** The body of a recorded operation: runs in the worker (a Resonate leaf function, `ctx.run`). */
export type Leaf<T> = (info: Info) => Promise<T> | T;

/** An operation's recorded result carries its name (core's `operationName`): the adapter's operation log. */
export interface Recorded {
  readonly op: string;
  /** The stamp of the operation's completion (absent in records of earlier versions of the adapter). */
  readonly t?: number;
}

/** The SDK's numbering of a workflow's operations (`AsyncContext.seq`, `seqid()`), which waiters take part in. */
interface SequencedContext {
  seq: number;
  seqid(): string;
}

/**
 * How a replay matches a record to the operation it runs now, when more than the name decides (steps: see
 * `steps.ts`); `label` names the operation in divergence messages.
 */
export interface Matcher {
  readonly label: string;
  matches(found: Recorded): boolean;
}

/**
 * The operation log of one pass of a workflow over the SDK's async context.
 *
 * Every operation of the SPI is one `ctx.run` leaf at the next position of the execution (Resonate ids are
 * positional: `<id>:<position>`), whose recorded result carries the operation's name. A replay that finds another
 * operation's record at a position took a different path: the log fails it with core's `NonDeterminismError`
 * (the SDK itself would return the other operation's result). A wait is a leaf followed by a waiter promise at the
 * very next position (reserved with the leaf: see {@link reserve}); the leaf publishes the waiter's id (for
 * deliveries and cancellation).
 */
export class OperationLog {
  /** The first divergence found: the execution fails with it, whatever the workflow catches. */
  divergence: NonDeterminismError | undefined;
  /**
   * The first infrastructure failure of an operation (its promise could not be created or settled): the SDK aborts
   * such a pass and runs it again later, so nothing the workflow did after it may be published.
   */
  aborted: Error | undefined;
  #next = 0;
  #busy = false;
  readonly #queue: Array<() => void> = [];

  constructor(
    private readonly ctx: Context,
    readonly workflowName: string,
    readonly executionId: string,
    private readonly options: LeafOptions,
  ) {}

  /** Runs (or replays) one operation; returns its recorded result. A recorded failure is thrown as recorded. */
  async record<T extends object>(
    op: string,
    leaf: Leaf<T>,
    options: SdkCallOptions = this.options.bookkeeping,
    matcher?: Matcher,
    onIssued?: () => void,
  ): Promise<T & Recorded> {
    const gate = this.#enter();
    if (gate) await gate;
    let issued: Issued;
    try {
      issued = this.#issue(op, leaf, options);
      onIssued?.();
    } finally {
      this.#leave();
    }
    return this.#recorded<T>(op, issued, matcher);
  }

  /**
   * Reserves the next position for a promise the adapter creates itself (a waiter: see `engine-context.ts`): the
   * SDK's numbering skips it, so the next operation takes the position after. Returns the promise's id.
   */
  reserve(): { id: string; position: number } {
    if (this.divergence) throw this.divergence;
    const position = this.#next++;
    const internals = this.ctx as unknown as SequencedContext;
    if (typeof internals.seq !== 'number' || typeof internals.seqid !== 'function') {
      throw new Error('internal: this version of @resonatehq/sdk numbers operations differently');
    }
    const id = internals.seqid();
    internals.seq++;
    const expected = promiseIds.position(this.executionId, position);
    if (id !== expected) throw new Error(`internal: position ${position} has id ${id}, expected ${expected}`);
    return { id, position };
  }

  /**
   * The end of a pass that ends the execution: fails with a divergence when a previous pass recorded an operation at
   * the next position (a replay that stops short of the recorded operations). Only reads: `read` gets the promise at a
   * position. An `end` record there matches: earlier versions of the adapter recorded the end as an operation.
   */
  async end(read: (id: string) => Promise<{ state: string; value: unknown } | undefined>): Promise<void> {
    const gate = this.#enter();
    if (gate) await gate;
    try {
      if (this.divergence) throw this.divergence;
      const position = this.#next;
      const found = await read(promiseIds.position(this.executionId, position));
      if (!found) return;
      const value = found.state === 'pending' ? undefined : found.value;
      if (isRecorded(value) && value.op === END) return;
      throw this.diverge(END, position, value);
    } finally {
      this.#leave();
    }
  }

  /** Records an infrastructure failure of an operation, and returns it to throw. */
  abort(error: Error): Error {
    this.aborted ??= error;
    return error;
  }

  /**
   * Records (once) that the execution found a divergence, and returns the error to throw: `found` is what the history
   * has at `position` (unknown for a waiter settled with another operation's value).
   */
  diverge(op: string, position: number | undefined, found: unknown): NonDeterminismError {
    const { workflowName, executionId } = this;
    this.divergence ??= divergenceError({
      executionId,
      workflowName,
      position,
      recorded: recorded(found),
      running: op,
    });
    return this.divergence;
  }

  #issue<T extends object>(op: string, leaf: Leaf<T>, options: SdkCallOptions): Issued {
    if (this.divergence) throw this.divergence;
    const position = this.#next++;
    // The SDK records a leaf's function name (`func`); the operation's name is in the recorded value instead, since
    // renaming a function per call (`defineProperty`) costs more than the rest of the operation's own code.
    // Every record carries the stamp of its completion (see `scheduler.ts`).
    const durableRuntimeOperation = async (info: Info) => ({ ...(await leaf(info)), op, t: newStamp() });
    const settled = this.ctx.run(durableRuntimeOperation, options);
    return { position, settled };
  }

  async #recorded<T extends object>(
    op: string,
    { position, settled }: Issued,
    matcher?: Matcher,
  ): Promise<T & Recorded> {
    const matches = (found: Recorded) => (matcher ? matcher.matches(found) : found.op === op);
    let value: unknown;
    try {
      value = await settled;
    } catch (reason) {
      if (isRecorded(reason)) {
        if (matches(reason)) throw reason;
      } else if (reason instanceof Error) {
        throw this.abort(reason);
      }
      throw this.diverge(matcher?.label ?? op, position, reason);
    }
    if (isRecorded(value) && matches(value)) return value as T & Recorded;
    throw this.diverge(matcher?.label ?? op, position, value);
  }

  /** Takes the position lock: `undefined` when free (no extra tick), else a promise that resolves in FIFO order. */
  #enter(): Promise<void> | undefined {
    if (!this.#busy) {
      this.#busy = true;
      return undefined;
    }
    return new Promise((resolve) => this.#queue.push(resolve));
  }

  #leave(): void {
    const next = this.#queue.shift();
    if (next) next();
    else this.#busy = false;
  }
}

interface Issued {
  readonly position: number;
  readonly settled: PromiseLike<unknown>;
}

export function isRecorded(value: unknown): value is Recorded {
  return typeof value === 'object' && value !== null && typeof (value as Recorded).op === 'string';
}

/** What the history has, for a divergence message: a record's operation name, or a description of something else. */
function recorded(found: unknown): Divergence['recorded'] {
  if (isRecorded(found)) return found.op;
  if (found === undefined) return { description: 'a timer or a wait' };
  const text = JSON.stringify(found);
  return { description: `the value ${text && text.length > 200 ? `${text.slice(0, 200)}...` : text}` };
}
