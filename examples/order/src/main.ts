// Runs one order on the backend chosen by DURABLE_BACKEND (memory when unset), approving it like a person would.
// ORDER_ID names the execution (run again with the same id, it attaches to it: after a kill, it resumes);
// ORDER_COOL_OFF_MS sets the sleep after the charge (1000 by default).
import { createRuntime, loadConfig } from '@durable-runtime/core';
import { order, registry } from './order.js';

export async function runOrderDemo(env: NodeJS.ProcessEnv = process.env, log = console.log) {
  const runtime = await createRuntime(loadConfig(env, { defaultBackend: 'memory' }), registry);
  try {
    const id = env.ORDER_ID || `order-A-1001-${Date.now()}`;
    const coolOffMs = Number(env.ORDER_COOL_OFF_MS ?? 1_000);
    const handle = await runtime.start(order, { orderId: 'A-1001', cents: 4999, coolOffMs }, { id });
    log(`[${runtime.backend}] started ${handle.id}`);
    while ((await handle.getState('status')) !== 'awaiting-approval') {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    log(`[${runtime.backend}] status: awaiting-approval; approving`);
    await handle.resolvePromise('approval', true);
    const result = await handle.result();
    log(`[${runtime.backend}] result: ${JSON.stringify(result)}, status: ${await handle.getState('status')}`);
    return result;
  } finally {
    await runtime.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await runOrderDemo();
}
