import { collectGarbage } from './heap.js';
import { clearHits } from './marks.js';
import type { Progress } from './progress.js';
import { type Summary, significant, summarize } from './stats.js';
import type { EngineSession, Mode, Role, Subject, Workload } from './types.js';

/** The samples of one workload on one engine, per subject. */
export interface WorkloadResult {
  readonly workload: string;
  readonly title: string;
  readonly unit: string;
  readonly parameters: Readonly<Record<string, number>>;
  readonly rounds: { readonly warmup: number; readonly measured: number };
  readonly subjects: Readonly<
    Record<string, { readonly role: Role; readonly summary: Summary; readonly samples: readonly number[] }>
  >;
  readonly percentiles: boolean;
  readonly derived?: Readonly<Record<string, { readonly label: string; readonly value: number }>>;
}

let sequence = 0;
const runTag = Date.now().toString(36);

/**
 * Runs a workload on every subject of an engine in interleaved rounds: each round runs one sample per subject, the
 * order rotating from round to round, so drift of the (shared) machine hits every subject alike. Warm-up rounds
 * run first and are not recorded. In extra rounds (Rounds.extra), a subject that leaves them never comes back, so
 * sample i of every subject still comes from round i.
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
  const plan = measuredRounds === undefined ? planned : { warmup: planned.warmup, measured: measuredRounds };
  const samples = new Map<string, number[]>(session.subjects.map((subject) => [subject.label, []]));
  const phase = `${engine}: ${workload.title}`;
  // Wall time of each subject's measured turns, and the subjects still taking the extra rounds (see Rounds.extra).
  const spent = new Map<Subject, number>();
  const spentBy = (subject: Subject) => spent.get(subject) ?? 0;
  const extraTakers = new Set(session.subjects);
  const wanted = (round: number) => {
    const measured = round - plan.warmup;
    if (measured < plan.measured) return true;
    const extra = plan.extra;
    if (extra === undefined || measured >= extra.rounds) return false;
    for (const subject of extraTakers) if (spentBy(subject) > extra.whileUnderMs / 2) extraTakers.delete(subject);
    let total = 0;
    for (const subject of extraTakers) total += spentBy(subject);
    return extraTakers.size > 0 && total < extra.whileUnderMs;
  };
  const takesPart = (subject: Subject, round: number) => {
    if (subject.singleExecutionsOnly && !workload.percentiles) return false;
    if (mode === 'quick' && subject.quick) return workload.percentiles && round < plan.warmup + subject.quick.rounds;
    return round - plan.warmup < plan.measured || extraTakers.has(subject);
  };
  let round = 0;
  for (; wanted(round); round++) {
    const warm = round < plan.warmup;
    const count = session.subjects.length;
    for (let turn = 0; turn < count; turn++) {
      const subject = session.subjects[(round + turn) % count];
      if (!subject || !takesPart(subject, round)) continue;
      progress.update(
        phase,
        `${warm ? 'warm-up' : 'round'} ${warm ? round + 1 : round - plan.warmup + 1}/${warm ? plan.warmup : plan.measured}${warm || !plan.extra ? '' : `+`} ${subject.label}`,
      );
      const turnStarted = performance.now();
      await subject.program.reset?.();
      if (workload.freshHeap) collectGarbage();
      const ms = await workload.sample(
        {
          program: subject.program,
          id: () => `${workload.key}-${idPart(subject.role)}-${runTag}-${++sequence}`,
          round,
          settleMs: subject.settleMs ?? session.settleMs,
        },
        mode,
      );
      if (!warm) {
        samples.get(subject.label)?.push(ms);
        spent.set(subject, spentBy(subject) + performance.now() - turnStarted);
      }
    }
  }
  clearHits();
  const rounds = { warmup: plan.warmup, measured: round - plan.warmup };
  // A subject that took no part (see Subject.quick) has no results here: a dash in the tables, no ratio.
  const subjects = Object.fromEntries(
    session.subjects
      .filter((subject) => (samples.get(subject.label) ?? []).length > 0)
      .map((subject) => [
        subject.label,
        {
          role: subject.role,
          summary: summarize(samples.get(subject.label) ?? []),
          // In the order measured: sample i of every subject comes from round i.
          samples: (samples.get(subject.label) ?? []).map(significant),
        },
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

/** A role as a part of an execution id (letters, digits and dashes: `native (stock store)` → `native-stock-store`). */
function idPart(role: string): string {
  return role.replace(/[^A-Za-z0-9]+/g, '-').replace(/-$/, '');
}
