import { type AdapterConfig, createRuntime, type DurableConfigInput, type Runtime } from '@durable-runtime/core';
import type { Program } from './types.js';
import { promiseWorkflow, registry, sleepWorkflow, startWorkflow, stepsWorkflow } from './workflows.js';

/**
 * The workloads through durable-runtime: `createRuntime(config)` loads the adapter exactly as an application does,
 * and every workflow is the same definition on every engine (workflows.ts). `resettable`: an in-process engine,
 * replaced by a fresh runtime on `reset()`.
 */
export async function adapterProgram(
  config: DurableConfigInput | AdapterConfig | (() => DurableConfigInput | AdapterConfig),
  options: { readonly resettable?: boolean } = {},
): Promise<Program> {
  const configure = typeof config === 'function' ? config : () => config;
  let current = programOf(await createRuntime(configure(), registry));
  if (!options.resettable) return current;
  return {
    runSteps: (id, count, n) => current.runSteps(id, count, n),
    startMarked: (id) => current.startMarked(id),
    runSleep: (id, ms) => current.runSleep(id, ms),
    startWaiting: (id) => current.startWaiting(id),
    async reset() {
      await current.close();
      current = programOf(await createRuntime(configure(), registry));
    },
    close: () => current.close(),
  };
}

export function programOf(runtime: Runtime): Program {
  return {
    runSteps: (id, count, n) => runtime.run(stepsWorkflow, { count, n }, { id }),
    async startMarked(id) {
      const handle = await runtime.start(startWorkflow, id, { id });
      return () => handle.result();
    },
    async runSleep(id, ms) {
      await runtime.run(sleepWorkflow, ms, { id });
    },
    async startWaiting(id) {
      const handle = await runtime.start(promiseWorkflow, id, { id });
      return {
        resolve: (value) => handle.resolvePromise('go', value),
        result: () => handle.result(),
      };
    },
    close: () => runtime.close(),
  };
}

/** Whether an adapter package is installed and exports `createBackend` (the adapter SPI entry). */
export async function adapterExports(specifier: string): Promise<{ landed: true } | { landed: false; reason: string }> {
  try {
    const loaded = (await import(specifier)) as { createBackend?: unknown };
    if (typeof loaded.createBackend === 'function') return { landed: true };
    return { landed: false, reason: `${specifier} does not export createBackend yet` };
  } catch (error) {
    return { landed: false, reason: `${specifier} does not load: ${(error as Error).message.split('\n')[0]}` };
  }
}
