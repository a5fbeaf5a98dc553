import { clearHits } from './marks.js';
import type { Progress } from './progress.js';
import { type Summary, summarize } from './stats.js';
import type { EngineSession, Mode, Role, Workload } from './types.js';

/** The samples of one workload on one engine, per subject. */
export interface WorkloadResult {
  readonly workload: string;
  readonly title: string;
  readonly unit: string;
  readonly parameters: Readonly<Record<string, number>>;
  readonly rounds: { readonly warmup: number; readonly measured: number };
  readonly subjects: Readonly<Record<string, { readonly role: Role; readonly summary: Summary }>>;
  readonly percentiles: boolean;
  readonly derived?: Readonly<Record<string, { readonly label: string; readonly value: number }>>;
}

let sequence = 0;
const runTag = Date.now().toString(36);

/**
 * Runs a workload on every subject of an engine in interleaved rounds: each round runs one sample per subject, the
 * order rotating from round to round, so drift of the (shared) machine hits every subject alike. Warm-up rounds
 * run first and are not recorded.
 */
export async function measureWorkload(
  engine: string,
  session: EngineSession,
  workload: Workload,
  mode: Mode,
  progress: Progress,
  measuredRounds?: number,
): Promise<WorkloadResult> {
  const planned = workload.rounds(mode);
  const rounds = measuredRounds === undefined ? planned : { ...planned, measured: measuredRounds };
  const total = rounds.warmup + rounds.measured;
  const samples = new Map<string, number[]>(session.subjects.map((subject) => [subject.label, []]));
  const phase = `${engine}: ${workload.title}`;
  for (let round = 0; round < total; round++) {
    const warm = round < rounds.warmup;
    const count = session.subjects.length;
    for (let turn = 0; turn < count; turn++) {
      const subject = session.subjects[(round + turn) % count];
      if (!subject) continue;
      progress.update(
        phase,
        `${warm ? 'warm-up' : 'round'} ${warm ? round + 1 : round - rounds.warmup + 1}/${warm ? rounds.warmup : rounds.measured} ${subject.label}`,
      );
      await subject.program.reset?.();
      const ms = await workload.sample(
        {
          program: subject.program,
          id: () => `${workload.key}-${subject.role}-${runTag}-${++sequence}`,
          round,
          settleMs: session.settleMs,
        },
        mode,
      );
      if (!warm) samples.get(subject.label)?.push(ms);
    }
  }
  clearHits();
  const subjects = Object.fromEntries(
    session.subjects.map((subject) => [
      subject.label,
      { role: subject.role, summary: summarize(samples.get(subject.label) ?? []) },
    ]),
  );
  const derived = workload.derived
    ? Object.fromEntries(
        Object.entries(subjects).flatMap(([label, { summary }]) => {
          const figure = workload.derived?.(summary.median, mode);
          return figure ? [[label, figure]] : [];
        }),
      )
    : undefined;
  return {
    workload: workload.key,
    title: workload.title,
    unit: workload.unit,
    parameters: workload.parameters(mode),
    rounds,
    subjects,
    percentiles: workload.percentiles,
    ...(derived ? { derived } : {}),
  };
}
