import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, test } from 'vitest';
import {
  adapterVariable,
  ConfigError,
  createRuntime,
  DEFAULT_MAX_PAYLOAD_BYTES,
  loadConfig,
  parseConfig,
} from '../src/index.js';

describe('configuration', () => {
  test('loadConfig reads the backend and its fields from the environment, with defaults', () => {
    expect(loadConfig({ DURABLE_BACKEND: 'memory' })).toEqual({
      backend: 'memory',
      clock: 'real',
      maxPayloadBytes: DEFAULT_MAX_PAYLOAD_BYTES,
    });
    expect(loadConfig({ DURABLE_BACKEND: 'memory', DURABLE_MAX_PAYLOAD_BYTES: '2048' })).toMatchObject({
      maxPayloadBytes: 2048,
    });
    expect(
      loadConfig({
        DURABLE_BACKEND: 'restate',
        RESTATE_INGRESS_URL: 'http://10.0.0.1:8080',
        RESTATE_ENDPOINT_PORT: '9099',
      }),
    ).toMatchObject({ backend: 'restate', ingressUrl: 'http://10.0.0.1:8080', endpointPort: 9099 });
    expect(
      loadConfig({ DURABLE_BACKEND: 'temporal', TEMPORAL_WORKFLOW_MODULES: '/app/a.js, /app/b.js' }),
    ).toMatchObject({ address: '127.0.0.1:7233', workflowModules: ['/app/a.js', '/app/b.js'] });
    expect(loadConfig({}, { defaultBackend: 'memory' })).toMatchObject({ backend: 'memory' });
  });

  test('an unset or unknown backend is a clear error', () => {
    expect(() => loadConfig({})).toThrow(ConfigError);
    expect(() => loadConfig({})).toThrow(/DURABLE_BACKEND is not set: use one of memory, temporal, restate, resonate/);
    expect(() => loadConfig({ DURABLE_BACKEND: 'restat' })).toThrow(/DURABLE_BACKEND="restat" is not a backend/);
  });

  test('a backend outside the built-in list is an adapter package, configured by DURABLE_<BACKEND>_<FIELD>', () => {
    expect(
      loadConfig({
        DURABLE_BACKEND: 'my-engine',
        DURABLE_MY_ENGINE_DATA_DIR: ' /var/data ',
        DURABLE_WORKER: 'false',
        DURABLE_OTHER_FIELD: 'ignored',
      }),
    ).toEqual({ backend: 'my-engine', dataDir: '/var/data', worker: 'false' });
    expect(adapterVariable('my-engine', 'dataDir')).toBe('DURABLE_MY_ENGINE_DATA_DIR');
    expect(adapterVariable('sqlite', 'maxPayloadBytes')).toBe('DURABLE_MAX_PAYLOAD_BYTES');
    // A typo of a built-in backend is not taken for an adapter.
    expect(() => loadConfig({ DURABLE_BACKEND: 'temporl' })).toThrow(/is not a backend.*did you mean temporal\?/);
    expect(() => loadConfig({ DURABLE_BACKEND: 'Not A Name' })).toThrow(/is not a backend/);
  });

  test('a wrong field names its environment variable', () => {
    expect(() => loadConfig({ DURABLE_BACKEND: 'restate', RESTATE_ADMIN_URL: 'not a url' })).toThrow(
      /RESTATE_ADMIN_URL: adminUrl must be an http\(s\) URL/,
    );
    expect(() => loadConfig({ DURABLE_BACKEND: 'restate', RESTATE_ENDPOINT_PORT: '99999' })).toThrow(
      /RESTATE_ENDPOINT_PORT/,
    );
    expect(() =>
      loadConfig({ DURABLE_BACKEND: 'resonate', RESONATE_URL: 'http://x:8001', RESONATE_POSTGRES_URL: 'postgres://x' }),
    ).toThrow(/RESONATE_URL: set url .* or postgresUrl .*, not both/);
  });

  test('parseConfig names the wrong field of a config object', () => {
    expect(() => parseConfig({ backend: 'memory', clock: 'fast' })).toThrow(/clock/);
    expect(() => parseConfig({ backend: 'dapr' })).toThrow(
      /backend "dapr" is not one of memory, temporal, restate, resonate/,
    );
  });

  test('createRuntime says which package to install when an adapter is missing', () => {
    // An application outside the workspace that installed core only (uses the built core: run `pnpm build` first).
    const app = mkdtempSync(join(tmpdir(), 'durable-app-'));
    const core = pathToFileURL(fileURLToPath(new URL('../dist/index.js', import.meta.url))).href;
    writeFileSync(
      join(app, 'app.mjs'),
      `const { createRuntime } = await import(${JSON.stringify(core)});\n` +
        "await createRuntime({ backend: 'restate' }, { workflows: [] });\n",
    );
    // pnpm exposes every hoisted package through NODE_PATH; a real application has no such variable.
    const { NODE_PATH: _hoisted, ...env } = process.env;
    const run = spawnSync(process.execPath, ['app.mjs'], { cwd: app, encoding: 'utf8', env });
    rmSync(app, { recursive: true, force: true });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(
      /ConfigError: The 'restate' backend needs the package @durable-runtime\/restate, which is not installed: run `pnpm add @durable-runtime\/restate`/,
    );
  });

  test('createRuntime rejects a bad configuration before loading anything', async () => {
    await expect(createRuntime({ backend: 'memory', clock: 'fast' } as never, { workflows: [] })).rejects.toThrow(
      ConfigError,
    );
  });
});
