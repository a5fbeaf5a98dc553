// Runs a periodic health check on the backend chosen by DURABLE_BACKEND (memory when unset): 6 rounds, 2 per
// execution, so the loop continues twice as a fresh execution of itself. Follows the chain from outside.
import { createRuntime, loadConfig, type Runtime } from '@durable-runtime/core';
import { generationId, type MonitorResult, monitor, registry } from './periodic.js';

/** Follows a monitor chain from its first execution, waiting for each one to end. */
export async function followChain(runtime: Runtime, chain: string): Promise<{ id: string; result: MonitorResult }[]> {
  const executions: { id: string; result: MonitorResult }[] = [];
  let id: string | undefined = generationId(chain, 1);
  while (id) {
    const result: MonitorResult = await runtime.handle(monitor, id).result();
    executions.push({ id, result });
    id = result.continuedAs;
  }
  return executions;
}

export async function runPeriodicDemo(env: NodeJS.ProcessEnv = process.env, log = console.log) {
  const runtime = await createRuntime(loadConfig(env, { defaultBackend: 'memory' }), registry);
  try {
    const chain = `monitor-${Date.now()}`;
    const input = { target: 'https://api.example.com/health', chain, intervalMs: 200, roundsPerExecution: 2 };
    await runtime.start(monitor, { ...input, totalRounds: 6 }, { id: generationId(chain, 1) });
    log(`[${runtime.backend}] monitoring ${input.target} every ${input.intervalMs} ms as ${chain}-*`);
    const executions = await followChain(runtime, chain);
    for (const { id, result } of executions) {
      const [first, last] = result.roundsHere;
      const next = result.continuedAs ? `continued as ${result.continuedAs}` : 'done';
      log(`[${runtime.backend}] ${id}: rounds ${first}-${last}, ${result.unhealthy} unhealthy so far; ${next}`);
    }
    return { chain, executions };
  } finally {
    await runtime.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await runPeriodicDemo();
}
