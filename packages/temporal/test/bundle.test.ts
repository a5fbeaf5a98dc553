import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, defineWorkflow } from '@durable-runtime/core';
import { createTemporalRuntime } from '@durable-runtime/temporal';
import { afterAll, describe, expect, test } from 'vitest';
import { loadWorkflowBundle } from '../src/bundle/bundle.js';
import { collectWorkflows } from '../src/workflow/entry.js';
import { evolving } from './fixtures/evolving-v1.js';
import { stepA, stepB } from './fixtures/steps.js';
import { usesFs } from './fixtures/uses-fs.js';

// Bad setups fail at start-up, before any connection: no server is needed here.
const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const unreachable = '127.0.0.1:1';
const options = { address: unreachable, bundleConditions: ['source'], logLevel: 'ERROR' } as const;

async function startupError(work: Promise<unknown>): Promise<Error> {
  const error = await work.then(
    () => undefined,
    (reason: unknown) => reason as Error,
  );
  if (!error) throw new Error('expected createTemporalRuntime to fail');
  return error;
}

describe('bad setups fail at start-up with a clear error', () => {
  test('a workflow module that does not bundle names the import that broke it and how it was reached', async () => {
    const error = await startupError(
      createTemporalRuntime({ ...options, workflowModules: [fixture('uses-fs.ts')] }, { workflows: [usesFs] }),
    );
    expect(ConfigError.is(error), String(error)).toBe(true);
    expect(error.message).toContain('Cannot bundle the workflow modules (packages/temporal/test/fixtures/uses-fs.ts)');
    expect(error.message).toContain(
      "- packages/temporal/test/fixtures/fs-helper.ts imports 'node:fs' (imported through " +
        'packages/temporal/test/fixtures/uses-fs.ts -> packages/temporal/test/fixtures/fs-helper.ts)',
    );
    expect(error.message).toContain('Node.js built-in module');
  });

  test('a registered workflow that the workflow modules do not define is named', async () => {
    const orphan = defineWorkflow({ name: 'orphan', run: async () => 'never bundled' });
    const error = await startupError(
      createTemporalRuntime(
        { ...options, workflowModules: [fixture('evolving-v1.ts')] },
        { workflows: [evolving, orphan], steps: [stepA, stepB] },
      ),
    );
    expect(ConfigError.is(error), String(error)).toBe(true);
    expect(error.message).toContain("The registered workflow 'orphan' is not exported by any of the workflowModules");
    expect(error.message).toContain("(The modules define: 'evolving'.)");
  });

  test('a missing workflowModules setting and a missing module file are named', async () => {
    const none = await startupError(createTemporalRuntime({ ...options }, { workflows: [evolving] }));
    expect(ConfigError.is(none)).toBe(true);
    expect(none.message).toContain('needs workflowModules (TEMPORAL_WORKFLOW_MODULES)');
    const missing = await startupError(
      createTemporalRuntime({ ...options, workflowModules: [fixture('nope.ts')] }, { workflows: [evolving] }),
    );
    expect(missing.message).toContain(`the module '${fixture('nope.ts')}' does not exist`);
  });
});

describe('bundle cache', () => {
  const dir = mkdtempSync(join(tmpdir(), 'temporal-bundle-test-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('a second start reuses the bundle; a change in any imported file rebuilds it', async () => {
    const module = join(dir, 'workflows.ts');
    const helper = join(dir, 'helper.ts');
    // Plain definition objects: this directory cannot resolve packages.
    writeFileSync(
      module,
      "import { answer } from './helper.js';\nexport const w = { kind: 'workflow', name: 'w', run: async () => answer };\n",
    );
    writeFileSync(helper, 'export const answer = 1;\n');
    const request = { workflowModules: [module], cacheDir: join(dir, 'cache'), conditions: ['source'] };

    const cold = await loadWorkflowBundle(request);
    expect(cold.cached).toBe(false);
    expect(cold.code).toContain('answer = 1');
    const warm = await loadWorkflowBundle(request);
    expect(warm).toEqual({ code: cold.code, cached: true });

    writeFileSync(helper, 'export const answer = 2;\n');
    const rebuilt = await loadWorkflowBundle(request);
    expect(rebuilt.cached).toBe(false);
    expect(rebuilt.code).toContain('answer = 2');
    expect((await loadWorkflowBundle({ ...request, cacheDir: false })).cached).toBe(false);
  });
});

describe('collectWorkflows (the bundle entry finds definitions by name)', () => {
  test('finds exported definitions, also inside exported arrays and plain objects, without invoking accessors', () => {
    const trap = {
      get sink(): never {
        throw new Error('an accessor was invoked');
      },
    };
    const found = collectWorkflows([
      { usesFs, unrelated: 42, trap },
      { list: [evolving], byName: { evolving } },
    ]);
    expect([...found.keys()].sort()).toEqual(['evolving', 'usesFs']);
    expect(found.get('evolving')).toBe(evolving);
  });
});
