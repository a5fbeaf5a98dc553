import type { PromiseSettlement, WaitOutcome } from '@durable-runtime/core/spi';
import type * as restate from '@restatedev/restate-sdk';

/** What a {@link ChannelReader} needs from the execution's context. */
export interface ChannelWaits {
  /** The Restate promise of message `seq` of the channel (see `messageKey`), not awaited yet. */
  message(seq: number): restate.RestatePromise<PromiseSettlement>;
  /** A Restate timer of `ms`, not awaited yet. */
  timer(ms: number): restate.RestatePromise<void>;
  /** Awaits a Restate promise of the execution (through its await driver). */
  wait<T>(promise: restate.RestatePromise<T>): Promise<T>;
  /** Stops waiting for a promise given to {@link wait}: it is abandoned. */
  forget(promise: restate.RestatePromise<unknown>): void;
}

interface Receiver {
  readonly resolve: (outcome: WaitOutcome) => void;
  readonly reject: (error: unknown) => void;
  /** The receive's timeout, when it has one. */
  readonly timer: restate.RestatePromise<void> | undefined;
}

/** A wait for message `seq` of the channel. */
interface MessageWait {
  readonly seq: number;
  readonly promise: restate.RestatePromise<PromiseSettlement>;
}

/**
 * The receives of one channel of an execution. Message `n` of a channel settles the workflow promise `m:<n>:<channel>`
 * (see services.ts); the reader hands the messages out one by one, in order, to the receives in the order they were
 * issued: several concurrent receives take different messages, and a receive that timed out takes none (the next
 * receive waits for the same message again). While receives are pending, exactly one wait for the next message is;
 * when it is settled, the first receive gets it and the next one waits for the message after.
 *
 * Every decision is made in workflow code on completions the journal orders, so a replay hands out the same messages
 * to the same receives and issues the same Restate commands: a lone receive issues a wait for its message and, with a
 * timeout, a timer, as `promise.orTimeout` does (the journal of an execution that an earlier version started matches).
 */
export class ChannelReader {
  /** Sequence number of the channel's next message to hand out. */
  #next = 0;
  readonly #receivers: Receiver[] = [];
  /** The wait for message {@link #next}, while receives are pending. */
  #current: MessageWait | undefined;

  constructor(private readonly waits: ChannelWaits) {}

  /** The next message of the channel for this receive, or a timeout after `timeoutMs`. */
  receive(timeoutMs: number | undefined): Promise<WaitOutcome> {
    return new Promise<WaitOutcome>((resolve, reject) => {
      const timer = timeoutMs === undefined ? undefined : this.waits.timer(timeoutMs);
      const receiver: Receiver = { resolve, reject, timer };
      this.#receivers.push(receiver);
      // The message wait is issued before the timer, as orTimeout does.
      if (!this.#current) this.#awaitNext();
      if (timer) {
        this.waits.wait(timer).then(
          () => this.#drop(receiver)?.resolve({ kind: 'timeout' }),
          (error: unknown) => this.#drop(receiver)?.reject(error),
        );
      }
    });
  }

  #awaitNext(): void {
    const wait: MessageWait = { seq: this.#next, promise: this.waits.message(this.#next) };
    this.#current = wait;
    this.waits.wait(wait.promise).then(
      (settlement) => this.#arrived(wait, settlement),
      (error: unknown) => this.#failed(wait, error),
    );
  }

  #arrived(wait: MessageWait, settlement: PromiseSettlement): void {
    if (this.#current !== wait) return;
    this.#current = undefined;
    const receiver = this.#receivers.shift();
    if (!receiver) return; // (the wait is forgotten when the last receive leaves)
    this.#next = wait.seq + 1;
    if (receiver.timer) this.waits.forget(receiver.timer);
    if (this.#receivers.length > 0) this.#awaitNext();
    receiver.resolve(settlement);
  }

  /** The message wait failed (the execution was cancelled): every pending receive fails with it. */
  #failed(wait: MessageWait, error: unknown): void {
    if (this.#current !== wait) return;
    this.#current = undefined;
    for (const receiver of this.#receivers.splice(0)) {
      if (receiver.timer) this.waits.forget(receiver.timer);
      receiver.reject(error);
    }
  }

  /** Takes a receive that ends without a message out of the queue; `undefined` if it had ended already. */
  #drop(receiver: Receiver): Receiver | undefined {
    const index = this.#receivers.indexOf(receiver);
    if (index < 0) return undefined;
    this.#receivers.splice(index, 1);
    if (this.#receivers.length === 0 && this.#current) {
      // Nobody waits for the message any more: it stays in its promise for the next receive, which waits again.
      this.waits.forget(this.#current.promise);
      this.#current = undefined;
    }
    return receiver;
  }
}
