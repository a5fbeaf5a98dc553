// Computes 20! through a chain of child executions on the backend chosen by DURABLE_BACKEND (memory when unset), then
// reads each level's recorded result from outside.
import { childExecutionId, createRuntime, loadConfig } from '@durable-runtime/core';
import { factorial, registry } from './factorial.js';

export async function runFactorialDemo(env: NodeJS.ProcessEnv = process.env, log = console.log, n = 20) {
  const runtime = await createRuntime(loadConfig(env, { defaultBackend: 'memory' }), registry);
  try {
    const id = `factorial-${n}-${Date.now()}`;
    const result = await runtime.run(factorial, { n }, { id });
    log(`[${runtime.backend}] ${n}! = ${result}`);
    // Every level is an execution of its own; its id derives from its parent's, its state is readable from outside.
    const levels: { id: string; n: number; result: string }[] = [];
    let levelId = id;
    for (let level = n; level >= 1; level--) {
      const state = await runtime.handle(factorial, levelId).getState<string>('result');
      levels.push({ id: levelId, n: level, result: state ?? 'missing' });
      levelId = childExecutionId(levelId, factorial.name, 0);
    }
    log(`[${runtime.backend}] ${levels.length} executions, innermost: ${levels.at(-1)?.id}`);
    log(`[${runtime.backend}] 5! was recorded as ${levels.find((level) => level.n === 5)?.result}`);
    return { result, levels };
  } finally {
    await runtime.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await runFactorialDemo();
}
