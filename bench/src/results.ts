import type { Machine } from './machine.js';
import type { WorkloadResult } from './measure.js';
import { ratio, ratioInterval } from './stats.js';
import type { Mode, Role } from './types.js';

/** The target of the adapters: at most this much slower than the engine's own SDK. */
export const TARGET_RATIO = 1.1;

/** One comparison: the adapter's median (and p99) over another subject's. */
export interface Ratio {
  readonly workload: string;
  /** e.g. `adapter / native`, `memory / peer`, `memory / floor`. */
  readonly pair: string;
  readonly median: number;
  /** 95% bootstrap interval of the ratio of medians (see `ratioInterval`). */
  readonly interval: { readonly low: number; readonly high: number };
  readonly p99?: number;
}

export interface EngineResult {
  readonly engine: string;
  readonly status: 'measured' | 'native only' | 'not landed' | 'failed';
  readonly reason?: string;
  readonly subjects?: readonly { readonly label: string; readonly role: Role; readonly description: string }[];
  readonly notes?: readonly string[];
  readonly workloads?: readonly WorkloadResult[];
  readonly ratios?: readonly Ratio[];
  readonly seconds?: number;
  /** Measured by another run than the file's (see {@link replaceEngines}): when, and by which command. */
  readonly separateRun?: { readonly generatedAt: string; readonly command: string };
}

export interface RunResult {
  readonly generatedAt: string;
  readonly mode: Mode;
  readonly command: string;
  readonly machine: Machine;
  readonly loadAverage1mAtEnd: number;
  /** Wall time of the whole run, servers' start-up included. */
  readonly seconds: number;
  readonly targetRatio: number;
  readonly engines: readonly EngineResult[];
}

/** The ratios of the adapter subject over each other subject, per workload (none without an adapter). */
export function ratiosOf(workloads: readonly WorkloadResult[]): Ratio[] {
  const ratios: Ratio[] = [];
  for (const result of workloads) {
    const entries = Object.entries(result.subjects);
    const adapter = entries.find(([, subject]) => subject.role === 'adapter');
    if (!adapter) continue;
    const [adapterLabel, { summary: mine, samples: mySamples }] = adapter;
    for (const [, other] of entries) {
      if (other.role === 'adapter') continue;
      ratios.push({
        workload: result.workload,
        pair: `${adapterLabel} / ${other.role}`,
        median: ratio(mine.median, other.summary.median),
        interval: ratioInterval(mySamples, other.samples),
        ...(result.percentiles ? { p99: ratio(mine.p99, other.summary.p99) } : {}),
      });
    }
  }
  return ratios;
}

/**
 * The results of `previous` with the engines of `run` in place of their earlier results (each marked with the run
 * that measured it); the other engines and the run's own description stay `previous`'s.
 */
export function replaceEngines(previous: RunResult, run: RunResult): RunResult {
  const separateRun = { generatedAt: run.generatedAt, command: run.command };
  const fresh = new Map(run.engines.map((engine) => [engine.engine, { ...engine, separateRun }]));
  const engines = previous.engines.map((engine) => fresh.get(engine.engine) ?? engine);
  const added = run.engines.filter((engine) => !previous.engines.some((kept) => kept.engine === engine.engine));
  return { ...previous, engines: [...engines, ...added.map((engine) => ({ ...engine, separateRun }))] };
}
