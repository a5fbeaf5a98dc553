import { fileURLToPath } from 'node:url';
import { createRuntime, loadConfig, WorkflowFailedError } from '@durable-runtime/core';
import { onEachBackend, RUN_ID } from '@durable-runtime/example-testing';
import { expect, test } from 'vitest';
import { bestQuote, registry, takeMaxConcurrency } from '../src/fan-out.js';
import { runFanOutDemo, SUPPLIERS } from '../src/main.js';

const workflowModule = fileURLToPath(new URL('../src/fan-out.ts', import.meta.url));

onEachBackend((engine) => {
  test('five suppliers in parallel: three quotes (one after a retry), two failures reported, cheapest wins', async () => {
    const { id, result, branches, status } = await runFanOutDemo(engine().env(workflowModule), () => {});
    expect(result.best).toEqual({ supplier: 'initech', priceCents: 1_099, attempts: 2 });
    expect(result.quotes).toEqual([
      { supplier: 'acme', priceCents: 1_259, attempts: 1 },
      { supplier: 'globex', priceCents: 1_184, attempts: 1 },
      { supplier: 'initech', priceCents: 1_099, attempts: 2 },
    ]);
    expect(result.failures).toEqual([
      {
        supplier: 'umbrella',
        error:
          "StepFailedError: Step 'fetchQuote' failed after 1 attempt: TerminalError: umbrella discontinued widget-42",
      },
      {
        supplier: 'hooli',
        error: "StepFailedError: Step 'fetchQuote' failed after 3 attempts: Error: hooli is down (502)",
      },
    ]);

    expect(branches.map((branch) => branch.id)).toEqual(SUPPLIERS.map((supplier) => `${id}.${supplier}`));
    expect(branches.map((branch) => branch.status)).toEqual([
      'completed',
      'completed',
      'completed',
      'failed',
      'failed',
    ]);
    expect(status).toBe('3 quotes, 2 failures');
    // In parallel: the branches' requests (300 ms each) were in flight at the same time, not one after the other.
    expect(takeMaxConcurrency(), 'quote requests in flight at once').toBeGreaterThan(1);
  });

  test('when every branch fails, the fan-in fails with the reason', async () => {
    const runtime = await createRuntime(loadConfig(engine().env(workflowModule)), registry);
    try {
      const run = runtime.run(bestQuote, { sku: 'gadget', suppliers: ['umbrella'] }, { id: `quote-none-${RUN_ID}` });
      const error = await run.catch((caught: unknown) => caught);
      expect(WorkflowFailedError.is(error), String(error)).toBe(true);
      expect((error as WorkflowFailedError).cause).toMatchObject({
        name: 'Error',
        message: 'no supplier quoted gadget: umbrella failed',
      });
    } finally {
      await runtime.close();
    }
  });
});
