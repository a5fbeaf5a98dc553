import type { ExecutionOutcome } from '@durable-runtime/core/spi';
import { originOf, promiseIds } from './ids.js';
import type { LocalBookkeeping } from './local-bookkeeping.js';
import { outcomeOf } from './outcomes.js';
import type { PromiseStore } from './promise-store.js';
import { type Delivery, isDelivery, isWaitClaim, type Slots } from './slots.js';

/**
 * Waiting for another execution's outcome, on durable promises. A waiting parent claims a slot of the child's watch
 * list (`<child>:c.<n>`) for a waiter in its own lineage; an ending execution closes its watch list (claims the next
 * free slot with its outcome) and settles every waiter it finds. A watcher that arrives after the close finds the
 * outcome in the list. The parent never awaits the child's root promise itself: Resonate only lets a workflow
 * suspend on promises of its own lineage.
 *
 * In local mode the watch lists are kept by the in-process store itself ({@link LocalBookkeeping}, as long-lived as its
 * promises): an ending execution then writes nothing when nobody waits for it.
 */
export class Children {
  constructor(
    private readonly store: PromiseStore,
    private readonly slots: Slots,
    private readonly local?: LocalBookkeeping,
  ) {}

  /** The child's outcome when it has ended; otherwise registers `waitId` to receive it and returns `undefined`. */
  async watch(childId: string, waitId: string): Promise<ExecutionOutcome | undefined> {
    if (this.local) {
      const closed = this.local.watch(childId, waitId) as ExecutionOutcome | undefined;
      if (closed) return closed;
      // Registered: the close notifies this watcher, unless the child had closed and settled before.
      const root = await this.store.get(childId);
      const ended = root && outcomeOf(root);
      if (ended) this.local.unwatch(childId, waitId);
      return ended;
    }
    const root = await this.store.get(childId);
    const ended = root && outcomeOf(root);
    if (ended) return ended;
    for (let index = 0; ; index++) {
      const slot = await this.slots.claim(childId, promiseIds.watch(childId, index), waitId);
      if (isDelivery(slot))
        return slot.settlement.kind === 'value' ? (slot.settlement.value as ExecutionOutcome) : undefined;
      if (slot.wait === waitId) return undefined;
    }
  }

  /** Publishes an execution's outcome to its watchers, present and future. Idempotent. */
  async close(executionId: string, outcome: ExecutionOutcome): Promise<void> {
    if (this.local) {
      const closed = this.local.close(executionId, outcome);
      for (const waitId of closed.watchers) {
        await this.store.settleOrCreate(waitId, originOf(waitId), 'resolved', outcomeDelivery(closed.outcome));
      }
      return;
    }
    const delivery = outcomeDelivery(outcome);
    for (let index = 0; ; index++) {
      const { value } = await this.store.claim(promiseIds.watch(executionId, index), executionId, delivery);
      if (isDelivery(value)) return;
      if (isWaitClaim(value)) {
        await this.store.settleOrCreate(value.wait, originOf(value.wait), 'resolved', delivery);
      }
    }
  }
}

/** What a watcher receives: the watched execution's outcome, as a delivery. */
function outcomeDelivery(outcome: unknown): Delivery {
  return { kind: 'delivery', nonce: 'outcome', settlement: { kind: 'value', value: outcome } };
}
