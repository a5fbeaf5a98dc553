import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { EXAMPLE_BACKENDS, type ExampleBackend, type RunningEngine } from './backends.js';

/** Unique per test run (and process): task queues and execution ids of two runs never meet. */
export const RUN_ID = `${Date.now().toString(36)}-${process.pid}`;

/**
 * Declares the same tests once per backend of {@link EXAMPLE_BACKENDS}, each in a `describe('on <backend>')` block
 * that starts the backend's engine before its tests and stops it after them (one engine per test file and backend).
 * A first test checks that the backend's adapter package exports `createBackend`; the engine's output is printed when
 * a test fails.
 * @example
 * onEachBackend((engine) => {
 *   test('runs', async () => {
 *     expect(await runDemo(engine().env(workflowModule))).toEqual(...);
 *   });
 * });
 */
export function onEachBackend(
  body: (engine: () => RunningEngine, backend: ExampleBackend) => void,
  backends: readonly ExampleBackend[] = EXAMPLE_BACKENDS,
): void {
  for (const backend of backends) {
    describe(`on ${backend.name}`, () => {
      let engine: RunningEngine | undefined;
      beforeAll(async () => {
        engine = await backend.start(RUN_ID);
      });
      afterAll(async () => {
        await engine?.stop();
      });
      beforeEach(({ onTestFailed }) => {
        onTestFailed(() => {
          const output = engine?.output();
          if (output) console.error(`--- ${backend.name} engine output ---\n${output}`);
        });
      });

      test(`${backend.adapter} is an adapter (exports createBackend)`, async () => {
        const adapter = (await import(/* @vite-ignore */ backend.adapter)) as { createBackend?: unknown };
        expect(typeof adapter.createBackend).toBe('function');
      });

      body(() => {
        if (!engine) throw new Error(`the ${backend.name} engine did not start`);
        return engine;
      }, backend);
    });
  }
}
