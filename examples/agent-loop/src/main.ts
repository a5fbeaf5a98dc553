// Runs the agent loop on the backend chosen by DURABLE_BACKEND (memory when unset) and watches it from outside: the
// execution's state tells which iteration it is in and what it is doing.
import { createRuntime, loadConfig } from '@durable-runtime/core';
import { agentLoop, registry } from './agent-loop.js';

export const EMAIL_CASES = [
  { input: 'ada@example.com', expected: true },
  { input: 'john doe@example.com', expected: false },
  { input: 'grace.hopper@navy.mil', expected: true },
  { input: 'root@localhost', expected: false },
  { input: 'no-at-sign.example.com', expected: false },
];

export async function runAgentLoopDemo(env: NodeJS.ProcessEnv = process.env, log = console.log, maxIterations = 5) {
  const runtime = await createRuntime(loadConfig(env, { defaultBackend: 'memory' }), registry);
  try {
    const task = 'make isEmail() accept real addresses and reject the rest';
    const handle = await runtime.start(
      agentLoop,
      { task, cases: EMAIL_CASES, maxIterations },
      { id: `agent-${Date.now()}` },
    );
    log(`[${runtime.backend}] started ${handle.id}: ${task}`);
    const seen: string[] = [];
    const outcome = handle.result();
    let done = false;
    const finished = () => {
      done = true;
    };
    outcome.then(finished, finished);
    while (!done) {
      const { iteration, phase } = await handle.getState();
      const where = `iteration ${iteration ?? '-'}: ${phase ?? 'starting'}`;
      if (iteration !== undefined && seen.at(-1) !== where) {
        seen.push(where);
        log(`[${runtime.backend}] ${where}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const result = await outcome;
    log(`[${runtime.backend}] ${JSON.stringify(result)}`);
    return { result, seen, state: await handle.getState() };
  } finally {
    await runtime.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await runAgentLoopDemo();
}
