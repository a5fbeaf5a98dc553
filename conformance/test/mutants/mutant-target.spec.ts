// Runs one conformance group against the mutant named by DURABLE_MUTANT. Started by mutants.test.ts only.
import { ALL_CAPABILITIES, createRegistry, type RegistryInput, type Runtime } from '@durable-runtime/core';
import { createRuntimeFromClient } from '@durable-runtime/core/spi';
import { type ExecutionStore, MemoryEngine } from '@durable-runtime/memory';
import { GROUP_TESTS, type GroupName } from '../../src/index.js';
import { MUTANTS } from './mutants.js';

const mutant = MUTANTS.find((candidate) => candidate.name === process.env.DURABLE_MUTANT);
if (!mutant) throw new Error(`unknown mutant ${process.env.DURABLE_MUTANT}`);
const groupTests = GROUP_TESTS[mutant.group as GroupName];
if (!groupTests) throw new Error(`unknown group ${mutant.group}`);

const engines = new WeakMap<Runtime, MemoryEngine>();
function create(registry: RegistryInput, store?: ExecutionStore, worker = true): Runtime {
  const engine = new MemoryEngine(createRegistry(registry), {
    worker,
    ...(store ? { store } : {}),
    ...(mutant?.context ? { interceptContext: mutant.context } : {}),
  });
  const runtime = createRuntimeFromClient(mutant?.client ? mutant.client(engine, { worker }) : engine, engine.registry);
  engines.set(runtime, engine);
  return runtime;
}

groupTests({
  name: `mutant-${mutant.name}`,
  capabilities: { ...ALL_CAPABILITIES, ...mutant.undeclared },
  createRuntime: async ({ registry }) => create(registry),
  async restart(runtime, { registry }) {
    const engine = engines.get(runtime);
    if (!engine) throw new Error('unknown runtime');
    engine.crash();
    return create(registry, engine.store);
  },
  async createClient({ registry }, closed) {
    const engine = engines.get(closed);
    if (!engine) throw new Error('unknown runtime');
    return create(registry, engine.store, false);
  },
});
