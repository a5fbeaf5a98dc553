import type { Capabilities, RegistryInput, Runtime } from '@durable-runtime/core';

/** What the suite hands an adapter when it needs a runtime: the fixture registry and where its modules live. */
export interface FixtureSetup {
  /** The fixture workflows and steps, to pass to the adapter as its registry. */
  readonly registry: RegistryInput;
  /** Absolute paths of the modules that define the fixture workflows (for engines that bundle workflow code). */
  readonly workflowModules: readonly string[];
}

/** Engine quirks the suite adapts to, instead of skipping tests. */
export interface TimingOptions {
  /**
   * The engine's timer resolution in milliseconds: 0 for precise timers, 1000 for an engine whose timers tick once a
   * second. Time-dependent cases lengthen their durations accordingly. @default 0
   */
  readonly timerGranularityMs: number;
  /** How late a timer may fire before the suite calls it a failure ("not much after", asserted loosely). @default 3000 */
  readonly lateToleranceMs: number;
}

/** Options of {@link runConformance}. */
export interface ConformanceOptions {
  /** The backend's column in the results matrix, e.g. `'restate'` or `'resonate (in-process store, server bookkeeping)'`. */
  readonly name: string;
  /** What the backend declares; checked both ways. */
  readonly capabilities: Capabilities;
  /** Creates a runtime over the fixtures. Called once per test group; the suite closes it after the group. */
  createRuntime(setup: FixtureSetup): Promise<Runtime>;
  /**
   * Simulates a worker restart: returns a runtime over the same durable state whose in-process workflow caches are
   * gone, so that running executions resume by replay. It stops the old runtime's workers itself (as a crash would).
   * `setup` may be a new version of the fixtures (a code change between deploys). Without this option, every test
   * that needs a restart fails.
   */
  restart?(runtime: Runtime, setup: FixtureSetup): Promise<Runtime>;
  /**
   * Creates a client-only runtime on the same engine (`worker: false`): it starts and observes executions but runs
   * none. The `outages` group closes the group's runtime first (`closed`), so no worker runs while the client is used.
   */
  createClient?(setup: FixtureSetup, closed: Runtime): Promise<Runtime>;
  readonly timing?: Partial<TimingOptions>;
}
