import { DEFAULT_MAX_PAYLOAD_BYTES, type TemporalConfig } from '@durable-runtime/core';
import type { WorkerOptions } from '@temporalio/worker';

/** Worker settings an application may tune; the adapter sets the rest. */
export type TemporalWorkerTuning = Pick<
  WorkerOptions,
  | 'identity'
  | 'maxCachedWorkflows'
  | 'maxConcurrentActivityTaskExecutions'
  | 'maxConcurrentWorkflowTaskExecutions'
  | 'stickyQueueScheduleToStartTimeout'
  | 'shutdownGraceTime'
>;

/** Options of {@link createTemporalRuntime}: core's Temporal configuration plus adapter-only settings. */
export interface TemporalRuntimeOptions {
  /** Frontend gRPC address of the Temporal cluster. @default '127.0.0.1:7233' */
  readonly address?: string;
  /** @default 'default' */
  readonly namespace?: string;
  /** The task queue of executions and of this process's worker. @default 'durable-runtime' */
  readonly taskQueue?: string;
  /**
   * Absolute paths of the modules that define the registered workflows. The adapter bundles them into Temporal's
   * workflow sandbox (their exported `defineWorkflow` definitions are found by name). Required unless `worker` is false.
   */
  readonly workflowModules?: readonly string[];
  /**
   * Whether this process runs a worker (executions make progress only while some worker runs on the task queue).
   * `false` makes a client-only runtime: start, observe and signal executions that other processes run. @default true
   */
  readonly worker?: boolean;
  /** Worker tuning, e.g. `{ maxCachedWorkflows: 0 }` to replay every activation (a determinism check). */
  readonly workerOptions?: TemporalWorkerTuning;
  /**
   * Where built workflow bundles are cached (keyed by content, checked against every file they were built from);
   * `false` bundles on every start. @default `node_modules/.cache/durable-runtime-temporal` under the working
   * directory, or the system's temporary directory
   */
  readonly bundleCacheDir?: string | false;
  /**
   * Extra package.json export conditions for bundling, tried before webpack's defaults: `['source']` in a monorepo
   * whose packages export their TypeScript sources under that condition. @default []
   */
  readonly bundleConditions?: readonly string[];
  /**
   * Log level of the Temporal SDK in this process, applied when no `Runtime` was installed by the application.
   * @default 'WARN'
   */
  readonly logLevel?: 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  /** The largest payload in bytes of UTF-8 JSON (core's limit, also checked on step results). @default 1 MiB */
  readonly maxPayloadBytes?: number;
}

/** The options with their defaults applied. */
export interface ResolvedTemporalOptions {
  readonly address: string;
  readonly namespace: string;
  readonly taskQueue: string;
  readonly workflowModules: readonly string[] | undefined;
  readonly worker: boolean;
  readonly workerOptions: TemporalWorkerTuning | undefined;
  /** `undefined`: the default cache directory. */
  readonly bundleCacheDir: string | false | undefined;
  readonly bundleConditions: readonly string[];
  readonly logLevel: NonNullable<TemporalRuntimeOptions['logLevel']>;
  readonly maxPayloadBytes: number;
}

export function resolveOptions(options: TemporalRuntimeOptions): ResolvedTemporalOptions {
  return {
    address: options.address ?? '127.0.0.1:7233',
    namespace: options.namespace ?? 'default',
    taskQueue: options.taskQueue ?? 'durable-runtime',
    workflowModules: options.workflowModules,
    worker: options.worker ?? true,
    workerOptions: options.workerOptions,
    bundleCacheDir: options.bundleCacheDir,
    bundleConditions: options.bundleConditions ?? [],
    logLevel: options.logLevel ?? 'WARN',
    maxPayloadBytes: options.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES,
  };
}

/** The options of core's parsed Temporal configuration. */
export function optionsFromConfig(config: TemporalConfig): TemporalRuntimeOptions {
  return {
    address: config.address,
    namespace: config.namespace,
    taskQueue: config.taskQueue,
    workflowModules: config.workflowModules,
    worker: (config as { worker?: boolean }).worker,
    maxPayloadBytes: config.maxPayloadBytes,
  };
}
