import type { ExecutionOutcome } from '@durable-runtime/core/spi';
import { originOf, promiseIds } from './ids.js';
import { outcomeOf } from './outcomes.js';
import type { PromiseStore } from './promise-store.js';
import { type Delivery, isDelivery, isWaitClaim, type Slots } from './slots.js';

/**
 * Waiting for another execution's outcome, on durable promises. A waiting parent claims a slot of the child's watch
 * list (`<child>:c.<n>`) for a waiter in its own lineage; an ending execution closes its watch list (claims the next
 * free slot with its outcome) and settles every waiter it finds. A watcher that arrives after the close finds the
 * outcome in the list. The parent never awaits the child's root promise itself: Resonate only lets a workflow
 * suspend on promises of its own lineage.
 */
export class Children {
  constructor(
    private readonly store: PromiseStore,
    private readonly slots: Slots,
  ) {}

  /** The child's outcome when it has ended; otherwise registers `waitId` to receive it and returns `undefined`. */
  async watch(childId: string, waitId: string): Promise<ExecutionOutcome | undefined> {
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
    const delivery: Delivery = { kind: 'delivery', nonce: 'outcome', settlement: { kind: 'value', value: outcome } };
    for (let index = 0; ; index++) {
      const { value } = await this.store.claim(promiseIds.watch(executionId, index), executionId, delivery);
      if (isDelivery(value)) return;
      if (isWaitClaim(value)) {
        await this.store.settleOrCreate(value.wait, originOf(value.wait), 'resolved', delivery);
      }
    }
  }
}
