import { runConformance } from '@durable-runtime/conformance';
import { createResonateRuntime, RESONATE_CAPABILITIES, type ResonateRuntime } from '../src/index.js';

// Local mode: the SDK's in-process store, whose timers tick once a second.
const options: Parameters<typeof runConformance>[0] = {
  name: 'resonate-local',
  capabilities: RESONATE_CAPABILITIES,
  timing: { timerGranularityMs: 1000 },
  createRuntime: ({ registry }) => createResonateRuntime({ logLevel: 'error' }, registry),
  async restart(runtime, { registry }) {
    const { localStore } = runtime as ResonateRuntime;
    const next = await createResonateRuntime({ localStore, logLevel: 'error' }, registry);
    await runtime.close();
    return next;
  },
  // A client-only runtime on the store of the closed runtime: no worker runs.
  createClient: ({ registry }, closed) =>
    createResonateRuntime(
      { localStore: (closed as ResonateRuntime).localStore, worker: false, logLevel: 'error' },
      registry,
    ),
};

runConformance(options);
