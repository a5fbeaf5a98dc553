import { fixtureRegistry, stepsAroundWait } from '@durable-runtime/conformance/fixtures';
import { expect, test, vi } from 'vitest';
import { runRestateConformance } from './restate-conformance.js';

// The conformance suite again, on a server that suspends an invocation as soon as it waits for 20 ms: nearly every
// wait ends in a suspension, and every resumption replays the journal from the start (also with concurrent waits).
const suite = runRestateConformance('restate (suspend and replay)', {
  RESTATE_WORKER__INVOKER__INACTIVITY_TIMEOUT: '20ms',
});

test('the server of this file suspends a waiting invocation within moments (so the suite above ran on replays)', async () => {
  const runtime = await suite.runtimeOn(fixtureRegistry);
  try {
    const id = `suspended-${Date.now().toString(36)}`;
    const handle = await runtime.start(stepsAroundWait, {}, { id });
    const sql = `SELECT status FROM sys_invocation WHERE target_service_key = '${id}' AND target_handler_name = 'run'`;
    await vi.waitFor(
      async () => {
        const response = await fetch(`${suite.server().adminUrl}/query`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json' },
          body: JSON.stringify({ query: sql }),
        });
        expect(((await response.json()) as { rows: unknown[] }).rows).toEqual([{ status: 'suspended' }]);
      },
      { timeout: 5_000, interval: 50 },
    );
    await handle.resolvePromise('go', 'now');
    await expect(handle.result()).resolves.toEqual(['before', 'after-now']);
  } finally {
    await runtime.close();
  }
});
