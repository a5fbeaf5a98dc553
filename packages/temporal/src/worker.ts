import type { Registry } from '@durable-runtime/core';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { createActivities } from './activities.js';
import type { TemporalEngineClient } from './client.js';
import type { ResolvedTemporalOptions } from './options.js';

/** A worker running in this process, polling the task queue until `stop()`. */
export interface RunningWorker {
  stop(): Promise<void>;
}

/**
 * Starts a worker on the task queue with the workflow bundle and one activity per registered step. Non-determinism
 * fails the execution (instead of retrying the workflow task forever); heartbeats are sent at least every second so
 * that the attempt of a killed worker is retried within seconds; the sticky queue of a dead worker is given up after
 * two seconds.
 */
export async function startWorker(
  options: ResolvedTemporalOptions,
  registry: Registry,
  client: TemporalEngineClient,
  bundleCode: string,
): Promise<RunningWorker> {
  installRuntime(options.logLevel);
  const connection = await NativeConnection.connect({ address: options.address });
  let worker: Worker;
  try {
    worker = await Worker.create({
      connection,
      namespace: options.namespace,
      taskQueue: options.taskQueue,
      workflowBundle: { code: bundleCode },
      activities: createActivities(registry, client, options.maxPayloadBytes),
      workflowFailureErrorTypes: { '*': ['NondeterminismError', 'DeterminismViolationError'] },
      maxHeartbeatThrottleInterval: '1s',
      stickyQueueScheduleToStartTimeout: '2s',
      shutdownGraceTime: '2s',
      ...options.workerOptions,
    });
  } catch (error) {
    await connection.close();
    throw error;
  }
  let failure: unknown;
  const running = worker.run().catch((error: unknown) => {
    failure = error;
  });
  return {
    async stop() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      await connection.close();
      if (failure) throw failure;
    },
  };
}

/** Installs the SDK's process-wide runtime with quiet logging, unless the application installed one. */
function installRuntime(level: ResolvedTemporalOptions['logLevel']): void {
  if (Runtime._instance) return;
  Runtime.install({
    logger: new DefaultLogger(level),
    telemetryOptions: { logging: { filter: { core: level, other: level }, forward: {} } },
  });
}
