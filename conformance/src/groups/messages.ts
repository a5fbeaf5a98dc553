import { expect, test } from 'vitest';
import { inbox, pollingInbox, sender } from '../fixtures.js';
import { defineGroup, sleep, waitForState } from '../harness.js';
import type { ConformanceOptions } from '../options.js';

/** Spec 6: messages between executions, FIFO per channel, never lost or duplicated. */
export function messageTests(options: ConformanceOptions): void {
  defineGroup(
    options,
    'messages',
    'messages',
    (group) => {
      test('messages sent before the receiver waits are buffered, in order', async () => {
        const id = group.id('inbox-early');
        const handle = await group.runtime().start(inbox, { channel: 'box', count: 5 }, { id });
        for (let i = 1; i <= 5; i++) await handle.send('box', { n: i });
        await expect(handle.result()).resolves.toEqual([1, 2, 3, 4, 5].map((n) => ({ n })));
      });

      test('channels are independent; messages to other channels are not delivered', async () => {
        const id = group.id('inbox-channels');
        const handle = await group.runtime().start(inbox, { channel: 'wanted', count: 2 }, { id });
        await handle.send('other', 'x');
        await handle.send('wanted', 'a');
        await handle.send('other', 'y');
        await handle.send('wanted', 'b');
        await expect(handle.result()).resolves.toEqual(['a', 'b']);
      });

      test('no message is lost or duplicated across receives that timed out', async () => {
        const id = group.id('inbox-polling');
        const timeoutMs = group.ms(150);
        const count = 6;
        const handle = await group.runtime().start(pollingInbox, { count, timeoutMs, maxRounds: 200 }, { id });
        await waitForState(handle, 'timeouts', (n: unknown) => typeof n === 'number' && n >= 1);
        for (let i = 0; i < count; i++) {
          await handle.send('events', i);
          await sleep(((i * 37) % 5) * (timeoutMs / 3));
        }
        const result = await handle.result();
        expect(result.received).toEqual([0, 1, 2, 3, 4, 5]);
        expect(result.timeouts).toBeGreaterThanOrEqual(1);
      });

      test('ctx.send delivers to another execution; an unknown target is a catchable ExecutionNotFoundError', async () => {
        const targetId = group.id('inbox-target');
        const target = await group.runtime().start(inbox, { channel: 'box', count: 3 }, { id: targetId });
        const missingId = group.id('missing');
        const result = await group
          .runtime()
          .run(sender, { targetId, messages: ['x', 'y', 'z'], missingId }, { id: group.id('sender') });
        expect(result.missing).toMatchObject({ name: 'ExecutionNotFoundError' });
        expect(result.missing?.message).toContain(missingId);
        await expect(target.result()).resolves.toEqual(['x', 'y', 'z']);
      });
    },
    async (group) => {
      const handle = await group
        .runtime()
        .start(inbox, { channel: 'box', count: 1 }, { id: group.id('probe-messages') });
      await handle.send('box', 1);
      return handle.result();
    },
  );
}
