import { cpus, freemem, loadavg, release, totalmem } from 'node:os';

/** The machine a run measured on, for the report. */
export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly freeMemoryGiB: number;
  readonly os: string;
  readonly node: string;
  /** 1-minute load average when the run started (other processes compete for the cores). */
  readonly loadAverage1m: number;
}

export function describeMachine(): Machine {
  const list = cpus();
  return {
    cpu: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    memoryGiB: round(totalmem() / 2 ** 30),
    freeMemoryGiB: round(freemem() / 2 ** 30),
    os: `${process.platform} ${release()} ${process.arch}`,
    node: process.version,
    loadAverage1m: round(loadavg()[0] ?? 0),
  };
}

/** The current 1-minute load average. */
export function currentLoad(): number {
  return round(loadavg()[0] ?? 0);
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
