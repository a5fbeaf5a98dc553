import { ExecutionNotFoundError, type Runtime, ValidationError } from '@durable-runtime/core';
import { expect, test } from 'vitest';
import { callIntruder, intruder, owner, selfSender, sendTo } from '../fixtures.js';
import { defineGroup, rejectionOf, waitForState } from '../harness.js';
import type { ConformanceOptions } from '../options.js';

/** The error rule 11 requires: a `ValidationError` naming the workflow that owns the id and the one refused. */
function expectOwnedBy(error: unknown, id: string, ownerName: string, refused: string): void {
  expect(ValidationError.is(error), String(error)).toBe(true);
  const { message } = error as ValidationError;
  expect(message).toContain(`'${id}'`);
  expect(message).toContain(`'${ownerName}'`);
  expect(message).toContain(`'${refused}'`);
}

/** Starts `owner` on a fresh id and waits until it waits for its promise. */
async function runningOwner(runtime: Runtime, id: string) {
  const handle = await runtime.start(owner, { tag: 'mine' }, { id });
  await waitForState(handle, 'phase', 'waiting');
  return handle;
}

/** Spec 11: an execution id belongs to one workflow, on every backend. */
export function identityTests(options: ConformanceOptions): void {
  defineGroup(options, 'identity', undefined, (group) => {
    test("start and run of another workflow on a running execution's id reject naming both, and change nothing", async () => {
      const id = group.id('owned-running');
      const handle = await runningOwner(group.runtime(), id);
      expectOwnedBy(await rejectionOf(group.runtime().start(intruder, { tag: 'x' }, { id })), id, 'owner', 'intruder');
      expectOwnedBy(await rejectionOf(group.runtime().run(intruder, { tag: 'x' }, { id })), id, 'owner', 'intruder');
      expect(await handle.status()).toBe('running');
      await handle.resolvePromise('go', 'yes');
      await expect(handle.result()).resolves.toEqual({ workflow: 'owner', tag: 'mine', go: 'yes' });
    });

    test("start of another workflow on an ended execution's id rejects naming both", async () => {
      const id = group.id('owned-ended');
      await group.runtime().run(intruder, { tag: 'first' }, { id });
      expectOwnedBy(await rejectionOf(group.runtime().start(owner, { tag: 'x' }, { id })), id, 'intruder', 'owner');
      await expect(group.runtime().handle(intruder, id).result()).resolves.toEqual({
        workflow: 'intruder',
        tag: 'first',
      });
      expect(ExecutionNotFoundError.is(await rejectionOf(group.runtime().handle(owner, id).status()))).toBe(true);
    });

    test('concurrent starts of two workflows on one id: exactly one owns it, every caller of the other is refused', async () => {
      const id = group.id('owned-race');
      const starts = Array.from({ length: 16 }, (_, i) =>
        i % 2 === 0
          ? group.runtime().start(owner, { tag: `o${i}` }, { id })
          : group.runtime().start(intruder, { tag: `i${i}` }, { id }),
      );
      const settled = await Promise.allSettled(starts);
      const winners = new Set<string>();
      for (const [index, outcome] of settled.entries()) {
        const workflow = index % 2 === 0 ? 'owner' : 'intruder';
        if (outcome.status === 'fulfilled') winners.add(workflow);
        else expectOwnedBy(outcome.reason, id, workflow === 'owner' ? 'intruder' : 'owner', workflow);
      }
      expect([...winners]).toHaveLength(1);
      const refused = winners.has('owner') ? intruder : owner;
      expect(settled.filter((outcome) => outcome.status === 'rejected')).toHaveLength(8);
      expect(ExecutionNotFoundError.is(await rejectionOf(group.runtime().handle(refused, id).status()))).toBe(true);
      if (winners.has('owner')) {
        const handle = group.runtime().handle(owner, id);
        await waitForState(handle, 'phase', 'waiting');
        await handle.resolvePromise('go', 'race');
        expect(await handle.result()).toMatchObject({ workflow: 'owner', go: 'race' });
      } else {
        expect(await group.runtime().handle(intruder, id).result()).toMatchObject({ workflow: 'intruder' });
      }
    });

    test("a handle of another workflow on an execution's id acts on nothing: every call is not-found", async () => {
      const id = group.id('owned-handle');
      const handle = await runningOwner(group.runtime(), id);
      const stranger = group.runtime().handle(intruder, id);
      const calls: Array<[string, () => Promise<unknown>]> = [
        ['status', () => stranger.status()],
        ['result', () => stranger.result()],
        ['resolvePromise', () => stranger.resolvePromise('go', 'stolen')],
        ['rejectPromise', () => stranger.rejectPromise('go', 'stolen')],
        ['getState', () => stranger.getState('phase')],
        ['getState()', () => stranger.getState()],
        ['send', () => stranger.send('box', 'stolen')],
        ['cancel', () => stranger.cancel()],
      ];
      for (const [name, call] of calls) {
        const error = await rejectionOf(call());
        expect(ExecutionNotFoundError.is(error), `${name}: ${String(error)}`).toBe(true);
        expect(error.message, name).toContain("'intruder'");
      }
      expect(await handle.status()).toBe('running');
      await handle.resolvePromise('go', 'own');
      await expect(handle.result()).resolves.toEqual({ workflow: 'owner', tag: 'mine', go: 'own' });
    });

    test('ctx.send to an id of another workflow, or to an unregistered workflow, rejects with a catchable not-found', async () => {
      const id = group.id('owned-send');
      const handle = await runningOwner(group.runtime(), id);
      for (const workflow of ['intruder', 'noSuchWorkflow']) {
        const result = await group.runtime().run(sendTo, { workflow, id }, { id: group.id(`send-${workflow}`) });
        expect(result.ok, JSON.stringify(result)).toBe(false);
        if (!result.ok) {
          expect(result.error.name).toBe('ExecutionNotFoundError');
          expect(result.error.message).toContain(`'${workflow}'`);
        }
      }
      await handle.resolvePromise('go', 'untouched');
      await expect(handle.result()).resolves.toMatchObject({ go: 'untouched' });
    });

    test("ctx.call of another workflow on an execution's id rejects inside the workflow, naming both", async () => {
      const id = group.id('owned-call');
      const handle = await runningOwner(group.runtime(), id);
      const result = await group.runtime().run(callIntruder, { id }, { id: group.id('caller') });
      expect(result.ok, JSON.stringify(result)).toBe(false);
      if (!result.ok) {
        expect(result.error.name).toBe('ValidationError');
        expect(result.error.message).toContain("'owner'");
        expect(result.error.message).toContain("'intruder'");
      }
      expect(await handle.status()).toBe('running');
      await handle.resolvePromise('go', 'after-call');
      await expect(handle.result()).resolves.toMatchObject({ workflow: 'owner', go: 'after-call' });
    });

    test('ctx.send to the execution itself is delivered', async () => {
      await expect(group.runtime().run(selfSender, {}, { id: group.id('self-send') })).resolves.toBe('ping');
    });
  });
}
