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

/**
 * A 95% bootstrap interval of `median(a) / median(b)`, where `a[i]` and `b[i]` were measured in the same round:
 * rounds are drawn with replacement (the two samples of a round stay together, so the machine's drift between
 * rounds stays paired) and the ratio recomputed, 2,000 times. Seeded, so the same samples give the same interval.
 */
export function ratioInterval(a: readonly number[], b: readonly number[]): { low: number; high: number } {
  const rounds = Math.min(a.length, b.length);
  if (rounds === 0) return { low: Number.NaN, high: Number.NaN };
  const random = seededRandom(rounds);
  const ratios: number[] = [];
  const drawnA: number[] = new Array(rounds);
  const drawnB: number[] = new Array(rounds);
  for (let resample = 0; resample < 2_000; resample++) {
    for (let i = 0; i < rounds; i++) {
      const round = Math.floor(random() * rounds);
      drawnA[i] = a[round] as number;
      drawnB[i] = b[round] as number;
    }
    ratios.push(median(sortedCopy(drawnA)) / median(sortedCopy(drawnB)));
  }
  ratios.sort((x, y) => x - y);
  const at = (index: number) => roundRatio(ratios[index] as number);
  return { low: at(49), high: at(1949) };
}

const sortedCopy = (values: readonly number[]) => [...values].sort((x, y) => x - y);

/** mulberry32: a small, fast generator; the statistics need repeatability, not cryptographic quality. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function median(sorted: readonly number[]): number {
  if (sorted.length === 0) return Number.NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** `a / b` rounded as {@link roundRatio} does. */
export function ratio(a: number, b: number): number {
  return roundRatio(a / b);
}

/** Two decimals, or two significant digits below 0.1 (a ratio of 0.0052 stays 0.0052, not 0.01). */
export function roundRatio(value: number): number {
  if (!(Math.abs(value) < 0.1) || value === 0) return Math.round(value * 100) / 100;
  return Number(value.toPrecision(2));
}

/** A sample as results.json keeps it: four significant digits (sub-millisecond samples keep their precision). */
export function significant(ms: number): number {
  return Number(ms.toPrecision(4));
}

/** Milliseconds with three significant digits (at least one decimal below 100). */
export function roundMs(ms: number): number {
  if (!Number.isFinite(ms)) return ms;
  if (ms >= 100) return Math.round(ms);
  if (ms >= 10) return Math.round(ms * 10) / 10;
  if (ms >= 1) return Math.round(ms * 100) / 100;
  return Math.round(ms * 1000) / 1000;
}
