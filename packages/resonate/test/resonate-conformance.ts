import { type ConformanceOptions, runConformance } from '@durable-runtime/conformance';
import type { RegistryInput, Runtime } from '@durable-runtime/core';
import { createResonateRuntime, RESONATE_CAPABILITIES, type ResonateOptions } from '../src/index.js';

/**
 * Runs the conformance suite on Resonate, as the matrix column `name`. `fresh()` gives the options of a runtime on
 * new durable state (a new local store, a new group on a server); a restart and a client-only runtime open another
 * runtime with the same options, on the same durable state.
 */
export function runResonateConformance(name: string, fresh: () => ResonateOptions): void {
  runConformance(resonateConformance(name, fresh));
}

function resonateConformance(name: string, fresh: () => ResonateOptions): ConformanceOptions {
  const durableState = new WeakMap<Runtime, ResonateOptions>();
  const open = async (options: ResonateOptions, registry: RegistryInput): Promise<Runtime> => {
    const runtime = await createResonateRuntime({ logLevel: 'error', ...options }, registry);
    durableState.set(runtime, options);
    return runtime;
  };
  const stateOf = (runtime: Runtime): ResonateOptions => {
    const options = durableState.get(runtime);
    if (!options) throw new Error(`${name}: a runtime this suite did not open`);
    return options;
  };
  return {
    name,
    capabilities: RESONATE_CAPABILITIES,
    // Resonate's stores settle timers on a clock that ticks once a second while nothing reads them.
    timing: { timerGranularityMs: 1000 },
    createRuntime: ({ registry }) => open(fresh(), registry),
    async restart(runtime, { registry }) {
      const next = await open(stateOf(runtime), registry);
      await runtime.close();
      return next;
    },
    // A client-only runtime on the durable state of the closed runtime: no worker runs.
    createClient: ({ registry }, closed) => open({ ...stateOf(closed), worker: false }, registry),
  };
}
