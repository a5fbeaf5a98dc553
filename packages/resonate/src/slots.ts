import type { PromiseSettlement } from '@durable-runtime/core/spi';
import { promiseIds } from './ids.js';
import type { PromiseStore } from './promise-store.js';

/**
 * Durable promises and mailboxes, emulated on write-once durable promises with deterministic ids ("slots").
 *
 * A slot is won by its first writer: either a deliverer (a resolution, a message) or the workflow, which claims it
 * for a wait on a fresh durable promise of its own (the *waiter*, which a timer may resolve first: a timeout). A
 * deliverer that finds a claimed slot settles the waiter; whoever settles the waiter first wins it.
 *
 * - A named promise has rounds: the workflow's n-th wait on a name uses round n, where n counts the earlier waits on
 *   that name that timed out. A resolution goes to the first round whose waiter did not time out, so a resolution
 *   that arrives before the wait, or after a wait timed out, is kept for the next wait; the first resolution wins.
 * - A channel's mailbox is a sequence of slots: the k-th receive on a channel uses slot k, also when it times out
 *   (the slot is then burned); a message goes to the first slot it can win. Messages are FIFO per sender, none is
 *   lost (a timed-out receive only burns a slot) and none is delivered twice (each slot holds one).
 */

/** What a deliverer writes: the settlement and a nonce that tells it whether its own write won. */
export interface Delivery {
  readonly kind: 'delivery';
  readonly nonce: string;
  readonly settlement: PromiseSettlement;
}

/** What the workflow writes into a slot it waits on. */
export interface WaitClaim {
  readonly kind: 'wait';
  readonly wait: string;
}

/** How a waiter promise ends when the execution is cancelled (state `rejected_canceled`). */
export interface CancelMark {
  readonly kind: 'cancelled';
}

export const CANCEL_MARK: CancelMark = Object.freeze({ kind: 'cancelled' });

export function isDelivery(value: unknown): value is Delivery {
  return isKind(value, 'delivery') && typeof (value as Delivery).nonce === 'string';
}

export function isWaitClaim(value: unknown): value is WaitClaim {
  return isKind(value, 'wait') && typeof (value as WaitClaim).wait === 'string';
}

export function isCancelMark(value: unknown): value is CancelMark {
  return isKind(value, 'cancelled');
}

function isKind(value: unknown, kind: string): boolean {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === kind;
}

/** What happened at one slot: our delivery won it, another delivery did, or its wait ended without one. */
type SlotResult = 'delivered' | 'taken' | 'passed';

export class Slots {
  /** Per channel, the first mailbox slot not known to be used (a hint for deliveries with a fresh nonce). */
  readonly #mailboxHints = new Map<string, number>();

  constructor(private readonly store: PromiseStore) {}

  /** The workflow's claim of a slot for a wait on `waitId`; returns the slot's winning content. */
  async claim(executionId: string, slotId: string, waitId: string): Promise<Delivery | WaitClaim> {
    const claim: WaitClaim = { kind: 'wait', wait: waitId };
    const { value } = await this.store.claim(slotId, executionId, claim);
    if (isDelivery(value) || isWaitClaim(value)) return value;
    throw new Error(`Durable promise ${slotId} holds unexpected content: ${JSON.stringify(value)}`);
  }

  /**
   * Settles the execution's named promise: the first settlement wins, later ones are ignored. A settlement that
   * arrives before the workflow waits is kept for the wait. Returns whether this settlement won.
   */
  async resolvePromise(executionId: string, name: string, delivery: Delivery): Promise<boolean> {
    for (let round = 0; ; round++) {
      const slotId = promiseIds.promiseSlot(executionId, name, round);
      const result = await this.#deliverAt(executionId, slotId, delivery);
      if (result !== 'passed') return result === 'delivered';
    }
  }

  /**
   * Appends a message to a channel of an execution. `fromStart` scans the mailbox from its first slot, which a
   * delivery with a deterministic nonce needs (it may have been written by an earlier attempt).
   */
  async sendMessage(executionId: string, channel: string, delivery: Delivery, fromStart: boolean): Promise<void> {
    const key = `${executionId}\u0000${channel}`;
    let index = fromStart ? 0 : (this.#mailboxHints.get(key) ?? 0);
    while (
      (await this.#deliverAt(executionId, promiseIds.mailboxSlot(executionId, channel, index), delivery)) !==
      'delivered'
    ) {
      index++;
    }
    this.#mailboxHints.set(key, Math.max(index + 1, this.#mailboxHints.get(key) ?? 0));
  }

  async #deliverAt(executionId: string, slotId: string, delivery: Delivery): Promise<SlotResult> {
    const { value } = await this.store.claim(slotId, executionId, delivery);
    if (isDelivery(value)) return value.nonce === delivery.nonce ? 'delivered' : 'taken';
    if (!isWaitClaim(value))
      throw new Error(`Durable promise ${slotId} holds unexpected content: ${JSON.stringify(value)}`);
    const waiter = await this.store.settleOrCreate(value.wait, executionId, 'resolved', delivery);
    if (waiter.state === 'resolved' && isDelivery(waiter.value)) {
      return waiter.value.nonce === delivery.nonce ? 'delivered' : 'taken';
    }
    // The wait timed out (resolved without a value) or was cancelled: this slot is over without a delivery.
    return 'passed';
  }
}
