import {
  type AnyWorkflow,
  ExecutionEndedError,
  type ExecutionHandle,
  WorkflowFailedError,
} from '@durable-runtime/core';
import { expect, test } from 'vitest';
import {
  changedAppend,
  changedArgs,
  changedRemove,
  changedSleepOrder,
  changedSwap,
  codeChangeWorkflowsV1,
  probe,
} from '../fixtures.js';
import { defineGroup, type GroupContext, rejectionOf, waitForState } from '../harness.js';
import type { ConformanceOptions } from '../options.js';

/**
 * Starts one execution of every `changed*` workflow on version 1, waits until each waits for 'go', restarts the
 * workers on version 2 (once for the whole group) and lets them go on.
 */
function deployVersion2(group: GroupContext) {
  let deployed: Promise<Map<string, ExecutionHandle>> | undefined;
  return (workflow: AnyWorkflow): Promise<ExecutionHandle> => {
    deployed ??= (async () => {
      const handles = new Map<string, ExecutionHandle>();
      for (const definition of codeChangeWorkflowsV1) {
        const handle = await group.runtime().start(definition, {}, { id: group.id(definition.name) });
        handles.set(definition.name, handle);
      }
      for (const handle of handles.values()) await waitForState(handle, 'phase', 'waiting');
      await group.restart(2);
      const resumed = new Map<string, ExecutionHandle>();
      for (const [name, handle] of handles) {
        const definition = codeChangeWorkflowsV1.find((w) => w.name === name) as AnyWorkflow;
        const next = group.runtime().handle(definition, handle.id);
        // A replay that diverged may have failed the execution already: then there is nothing to deliver to.
        await next.resolvePromise('go', true).catch((error: unknown) => {
          if (!ExecutionEndedError.is(error)) throw error;
        });
        resumed.set(name, next);
      }
      return resumed;
    })();
    return deployed.then((handles) => handles.get(workflow.name) as ExecutionHandle);
  };
}

async function expectNonDeterminism(handle: ExecutionHandle): Promise<void> {
  const error = await rejectionOf(handle.result());
  expect(WorkflowFailedError.is(error), String(error)).toBe(true);
  expect((error as WorkflowFailedError).cause.name).toBe('NonDeterminismError');
  expect(await handle.status()).toBe('failed');
}

/** Spec 15: the journal matches operations by kind and name, in order; step arguments are not compared. */
export function codeChangeTests(options: ConformanceOptions): void {
  defineGroup(
    options,
    'code-changes',
    'determinism',
    (group) => {
      const executionOf = deployVersion2(group);

      test('appending operations after the point an execution reached is accepted', async () => {
        const handle = await executionOf(changedAppend);
        await expect(handle.result()).resolves.toBe('v2');
        expect(probe.count(handle.id, 'note:first')).toBe(1);
        expect(probe.count(handle.id, 'note:appended')).toBe(1);
      });

      test("changing a recorded step's arguments is accepted: the recorded result is kept", async () => {
        const handle = await executionOf(changedArgs);
        await expect(handle.result()).resolves.toBe('v1-args');
        expect(probe.count(handle.id, 'note:v2-args')).toBe(0);
      });

      test('swapping two recorded steps fails with NonDeterminismError', async () => {
        await expectNonDeterminism(await executionOf(changedSwap));
      });

      test('removing a recorded step fails with NonDeterminismError', async () => {
        await expectNonDeterminism(await executionOf(changedRemove));
      });

      test('moving a recorded sleep after a recorded step fails with NonDeterminismError', async () => {
        const handle = await executionOf(changedSleepOrder);
        await expectNonDeterminism(handle);
        expect(probe.count(handle.id, 'note:after-sleep')).toBe(1);
      });
    },
    (group) => group.runtime().run(changedAppend, {}, { id: group.id('probe-code-changes') }),
  );
}
