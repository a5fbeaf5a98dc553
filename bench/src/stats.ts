/** Summary statistics of a list of samples (milliseconds). */
export interface Summary {
  readonly samples: number;
  readonly median: number;
  /** Nearest-rank 99th percentile. */
  readonly p99: number;
  readonly min: number;
  readonly max: number;
}

export function summarize(values: readonly number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
  return {
    samples: sorted.length,
    median: median(sorted),
    p99: at(0.99) ?? Number.NaN,
    min: sorted[0] ?? Number.NaN,
    max: sorted[sorted.length - 1] ?? Number.NaN,
  };
}

function median(sorted: readonly number[]): number {
  if (sorted.length === 0) return Number.NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** `a / b` rounded to two decimals. */
export function ratio(a: number, b: number): number {
  return Math.round((a / b) * 100) / 100;
}

/** Milliseconds with three significant digits (at least one decimal below 100). */
export function roundMs(ms: number): number {
  if (!Number.isFinite(ms)) return ms;
  if (ms >= 100) return Math.round(ms);
  if (ms >= 10) return Math.round(ms * 10) / 10;
  if (ms >= 1) return Math.round(ms * 100) / 100;
  return Math.round(ms * 1000) / 1000;
}
