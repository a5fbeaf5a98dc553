/**
 * Where crash-fixture steps report their runs. The worker process installs a file-backed sink (file-sink.ts) so that
 * the test process, and the next worker, see runs of a killed worker. Sandbox-safe.
 */
export interface CrashSink {
  record(executionId: string, stepName: string, attempt: number): void;
  count(executionId: string, stepName: string): number;
  /** Appends one event to the execution's ordered log (one line, no newline in it). */
  event(executionId: string, line: string): void;
  /** The execution's events, in the order they were written, by every process. */
  events(executionId: string): string[];
}

let sink: CrashSink | undefined;

export const crashProbe = {
  install(next: CrashSink): void {
    sink = next;
  },
  get sink(): CrashSink {
    if (!sink) throw new Error('crash fixtures need a sink: start the worker with runCrashWorker()');
    return sink;
  },
};
