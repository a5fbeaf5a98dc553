import { type ExecutionHandle, WorkflowFailedError } from '@durable-runtime/core';
import { expect, test } from 'vitest';
import { cancellable, failing, uncaughtStepFailure } from '../fixtures.js';
import { defineGroup, featureTest, rejectionOf, waitForState, within } from '../harness.js';
import type { ConformanceOptions } from '../options.js';

/** Spec 9: failures and cancellation, with the same error shape on every backend. */
export function failureCancellationTests(options: ConformanceOptions): void {
  defineGroup(options, 'failure-cancellation', undefined, (group) => {
    test('a workflow that throws ends failed; result() rejects with WorkflowFailedError carrying the cause', async () => {
      const id = group.id('failing');
      const error = await rejectionOf(group.runtime().run(failing, { message: 'it broke' }, { id }));
      expect(WorkflowFailedError.is(error)).toBe(true);
      const failed = error as WorkflowFailedError;
      expect(failed.name).toBe('WorkflowFailedError');
      expect(failed.message).toBe(`Workflow 'failing' (id '${id}') failed: CustomFailure: it broke`);
      expect(failed.cause).toMatchObject({ name: 'CustomFailure', message: 'it broke' });
      expect(failed.workflowName).toBe('failing');
      expect(failed.executionId).toBe(id);
      expect(await group.runtime().handle(failing, id).status()).toBe('failed');
    });

    test('an uncaught step failure fails the workflow with a StepFailedError cause', async () => {
      const id = group.id('uncaught-step');
      const error = (await rejectionOf(group.runtime().run(uncaughtStepFailure, {}, { id }))) as WorkflowFailedError;
      expect(error.cause).toMatchObject({
        name: 'StepFailedError',
        message: "Step 'flaky' failed after 1 attempt: TerminalError: terminal failure on attempt 1",
      });
    });

    for (const waitOn of ['sleep', 'promise', 'receive'] as const) {
      featureTest(
        group,
        'cancellation',
        `cancel() interrupts a pending ${waitOn} and ends the execution cancelled`,
        async () => {
          const id = group.id(`cancel-${waitOn}`);
          const handle: ExecutionHandle<typeof cancellable> = await group
            .runtime()
            .start(cancellable, { waitOn }, { id });
          await waitForState(handle, 'phase', 'waiting');
          const started = Date.now();
          await handle.cancel();
          const error = await rejectionOf(within(handle.result(), 20_000, 'result() after cancel()'));
          expect(WorkflowFailedError.is(error), String(error)).toBe(true);
          expect((error as WorkflowFailedError).cause.name).toBe('CancelledError');
          expect(await handle.status()).toBe('cancelled');
          expect(Date.now() - started).toBeLessThan(group.lateMs);
        },
      );
    }
  });
}
