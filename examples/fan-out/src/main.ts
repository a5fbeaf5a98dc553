// Asks five suppliers for a price in parallel on the backend chosen by DURABLE_BACKEND (memory when unset): three
// answer (one after a retry), one has discontinued the item, one is down. The cheapest answer wins anyway.
import { createRuntime, loadConfig } from '@durable-runtime/core';
import { bestQuote, quoteSupplier, registry } from './fan-out.js';

export const SUPPLIERS = ['acme', 'globex', 'initech', 'umbrella', 'hooli'];

export async function runFanOutDemo(env: NodeJS.ProcessEnv = process.env, log = console.log) {
  const runtime = await createRuntime(loadConfig(env, { defaultBackend: 'memory' }), registry);
  try {
    const id = `quote-${Date.now()}`;
    const result = await runtime.run(bestQuote, { sku: 'widget-42', suppliers: SUPPLIERS }, { id });
    log(`[${runtime.backend}] best: ${result.best.supplier} at ${result.best.priceCents} cents`);
    for (const quote of result.quotes) log(`[${runtime.backend}]   ${quote.supplier}: ${quote.priceCents} cents`);
    for (const failure of result.failures) log(`[${runtime.backend}]   ${failure.supplier} failed: ${failure.error}`);
    // Each branch is a child execution of its own, observable from outside by its id.
    const branches = await Promise.all(
      SUPPLIERS.map(async (supplier) => ({
        id: `${id}.${supplier}`,
        status: await runtime.handle(quoteSupplier, `${id}.${supplier}`).status(),
      })),
    );
    log(`[${runtime.backend}] branches: ${branches.map((branch) => `${branch.id} ${branch.status}`).join(', ')}`);
    return { id, result, branches, status: await runtime.handle(bestQuote, id).getState<string>('status') };
  } finally {
    await runtime.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await runFanOutDemo();
}
