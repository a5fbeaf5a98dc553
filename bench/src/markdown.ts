import type { WorkloadResult } from './measure.js';
import type { EngineResult, Ratio, RunResult } from './results.js';
import { roundMs } from './stats.js';
import { WORKLOADS } from './workloads/index.js';

/** The tables of a run: a summary of every ratio, then one table per engine. */
export function resultTables(run: RunResult): string {
  return [summaryTable(run), ...run.engines.map(engineSection)].join('\n\n');
}

function summaryTable(run: RunResult): string {
  const columns = run.engines.flatMap((engine) =>
    engine.status === 'measured'
      ? [...new Set((engine.ratios ?? []).map((r) => r.pair))].map((pair) => ({ engine, pair }))
      : [{ engine, pair: '' }],
  );
  const header = columns.map(({ engine, pair }) =>
    !pair ? engine.engine : pair.startsWith(`${engine.engine} `) ? pair : `${engine.engine} ${pair}`,
  );
  const rows = WORKLOADS.map((workload) => {
    const cells = columns.map(({ engine, pair }) => {
      if (engine.status !== 'measured') return engine.status;
      const found = engine.ratios?.find((r) => r.workload === workload.key && r.pair === pair);
      if (!found) return '–';
      return `${ratioCell(found)}${found.p99 === undefined ? '' : ` (p99 ${found.p99})`}`;
    });
    return `| ${workload.title} | ${cells.join(' | ')} |`;
  });
  return [
    `Ratios of medians, adapter time over the other's, with a 95% interval in brackets (p99 ratio in parentheses): below 1 the adapter is faster; the target for adapter / native is ${run.targetRatio.toFixed(2)}.`,
    '',
    `| workload | ${header.join(' | ')} |`,
    `|---|${columns.map(() => '---:').join('|')}|`,
    ...rows,
  ].join('\n');
}

/** The table of the repository's README: every ratio of medians, one column per engine and pair. */
export function compactTable(run: RunResult): string {
  const columns = run.engines.flatMap((engine) =>
    [...new Set((engine.ratios ?? []).map((r) => r.pair))].map((pair) => ({ engine, pair })),
  );
  const header = columns.map(({ engine, pair }) =>
    pair.startsWith(`${engine.engine} `) ? pair : `${engine.engine} ${pair}`,
  );
  const rows = WORKLOADS.map((workload) => {
    const cells = columns.map(({ engine, pair }) => {
      const found = engine.ratios?.find((r) => r.workload === workload.key && r.pair === pair);
      return found ? formatRatio(found.median) : '–';
    });
    return `| ${workload.title} | ${cells.join(' | ')} |`;
  });
  return [`| workload | ${header.join(' | ')} |`, `|---|${columns.map(() => '---:').join('|')}|`, ...rows].join('\n');
}

/** `1.04 [0.98, 1.09]`: the ratio of medians and its 95% interval. */
function ratioCell({ median, interval }: Ratio): string {
  return `${formatRatio(median)} [${formatRatio(interval.low)}, ${formatRatio(interval.high)}]`;
}

/** A ratio as `roundRatio` (stats.ts) keeps it: two decimals, or its two significant digits below 0.1. */
function formatRatio(value: number): string {
  return Math.abs(value) < 0.1 && value !== 0 ? String(value) : value.toFixed(2);
}

function engineSection(engine: EngineResult): string {
  const title = `### ${engine.engine}`;
  if (!engine.workloads) return `${title}\n\n${engine.status}: ${engine.reason ?? ''}`.trim();
  const labels = engine.subjects?.map((subject) => subject.label) ?? [];
  const pairs = [...new Set((engine.ratios ?? []).map((r) => r.pair))];
  const lines = [
    title,
    '',
    ...(engine.status === 'native only' ? [`Adapter not measured: ${engine.reason}.`, ''] : []),
    `| ${['workload', 'measure', ...labels, ...pairs].join(' | ')} |`,
    `|---|---|${[...labels, ...pairs].map(() => '---:').join('|')}|`,
    ...engine.workloads.map((result) => workloadRow(engine, result, labels, pairs)),
    '',
    ...(engine.subjects ?? []).map((subject) => `- **${subject.label}** (${subject.role}): ${subject.description}`),
    ...(engine.notes ?? []).map((note) => `- ${note}`),
    ...(engine.seconds === undefined ? [] : [`- Measured in ${engine.seconds} s.`]),
    ...(engine.separateRun
      ? [
          `- Measured by a separate run (\`${engine.separateRun.command}\`), finished ${engine.separateRun.generatedAt}.`,
        ]
      : []),
  ];
  return lines.join('\n');
}

function workloadRow(engine: EngineResult, result: WorkloadResult, labels: string[], pairs: string[]): string {
  const cells = labels.map((label) => {
    const subject = result.subjects[label];
    if (!subject) return '–';
    const { median, p99, samples } = subject.summary;
    const derived = result.derived?.[label];
    const figures = [
      ...(result.percentiles ? [`p99 ${roundMs(p99)}`] : derived ? [`${derived.value} ${derived.label}`] : []),
      // A subject that left the extra rounds early (see Rounds.extra) has fewer samples than the row's n.
      ...(samples === result.rounds.measured ? [] : [`n = ${samples}`]),
    ];
    return `${roundMs(median)}${figures.length > 0 ? ` (${figures.join('; ')})` : ''}`;
  });
  const ratios = pairs.map((pair) => {
    const found = engine.ratios?.find((r) => r.workload === result.workload && r.pair === pair);
    return found ? ratioCell(found) : '–';
  });
  const parameters = Object.entries(result.parameters)
    .map(([key, value]) => `${key} ${value}`)
    .join(', ');
  const measure = `${result.unit}; n = ${result.rounds.measured}${parameters ? `; ${parameters}` : ''}`;
  return `| ${result.title} | ${measure} | ${[...cells, ...ratios].join(' | ')} |`;
}

/** The whole bench/README.md: what the benchmark answers, how to run it, the method, the machine and the tables. */
export function readme(run: RunResult): string {
  const m = run.machine;
  return `# @durable-runtime/bench

How much slower is an engine through durable-runtime than through its own SDK, and how fast is local mode? This
package measures it, the same way on every engine, with numbers anyone can re-run:

\`\`\`sh
pnpm bench                                      # full run, every engine; writes this file and results.json
node bench/dist/run.js --quick                  # smoke run: small counts, every engine, under two minutes
node bench/dist/run.js --quick --engines memory # local mode only, under 30 s
\`\`\`

Options: \`--quick\`, \`--engines memory,sqlite,temporal,restate,resonate\`, \`--workloads sequential,throughput,start,sleeps,promise\`,
\`--peers dbos,restate,temporal\` or \`--peers none\` (which of the sqlite engine's peers on servers of their own to
start; all by default, as in a full run), \`--rounds <n>\` (measured rounds, for experiments), \`--write\` (a quick or
partial run writes \`results.json\` and this file only with it; a full-size run of some engines replaces only their
results, marked with the run that measured them). Progress goes to stderr, the tables to stdout. \`pnpm build\` first
(\`pnpm bench\` does).

## Results

${run.mode === 'quick' ? '**Quick run (small counts): indicative only.** ' : ''}Run finished ${run.generatedAt} (\`${run.command}\`, ${Math.round(run.seconds / 60)} min) on
${m.cores} × ${m.cpu}, ${m.memoryGiB} GiB, ${m.os}, Node ${m.node}; 1-minute load average ${m.loadAverage1m} at the start and
${run.loadAverage1mAtEnd} at the end (the machine is shared: other processes ran alongside). Raw numbers:
[results.json](results.json).

${resultTables(run)}

## Method

- **Workloads** (one module each in \`src/workloads/\`): (a) one workflow of 10 sequential steps, start to result;
  (b) 500 workflows of 3 steps with 50 in flight, time for the batch (and executions per second); (c) start latency,
  from the start call to the first step running (the step records the time); (d) 1,000 executions started at once,
  each sleeping 100 ms, time until the last result; (e) external promise resolution: the execution runs a step, then
  waits for a durable promise; after the engine's settle time (20 ms in-process, 100 ms with a server) the value is
  resolved from outside and the time to the result is measured. \`--quick\` uses 50 executions (10 in flight) for
  (b), 50 for (d) and about a tenth of the rounds.
- **Subjects** (one module per engine in \`src/engines/\`): the adapter runs the same workflow definitions on every
  engine (\`src/workflows.ts\`) through \`createRuntime(config)\`, as an application does; the native program is what
  one writes with the engine's SDK alone (\`src/native/\`), with the same step retry policy as the adapter's default
  (5 attempts, 1 s doubling, at most 60 s). Local mode (memory) is compared with its in-process peer, Resonate's
  local mode, and with the floor: the same step functions called by plain async code. The persistent local mode
  (sqlite) is compared with the memory engine (the same code without the file), the floor, and what one would use
  instead, each on a server its session starts: DBOS Transact (native code: a library that checkpoints into
  PostgreSQL) and the Restate and Temporal adapters (the same workflow definitions).
- **Interleaving**: all subjects of an engine live in one process and take turns, one sample each per round, the
  order rotating every round, after warm-up rounds that are not recorded; so drift of the machine (other jobs, CPU
  frequency, GC) falls on every subject alike. Each engine is measured in a process of its own, so what one engine's
  SDKs leave behind (compiled code, heap, threads) does not weigh on the next, and \`--engines x\` measures an engine
  as a full run does. Steps run in this process on every engine, so the client, the
  worker or endpoint and the server (a child process) share the same cores. In-process engines (memory, Resonate
  local mode, both sides) start every sample on a fresh instance, untimed; servers keep their history. Batch
  workloads (b, d) start every sample on a freshly collected heap (a full garbage collection, untimed): a batch leaves
  tens of megabytes of garbage, and collecting it inside the next sample charged it to whichever subject came next.
  Execution ids are made before the clock starts, in every workload (until 2026-12-03 the 10-step and throughput
  workloads made them inside the timed region, which made every ratio against the floor look smaller).
- **Statistics**: median and nearest-rank p99 of the samples; ratios are the adapter's median (p99) over the other
  subject's. The brackets give a 95% bootstrap interval of the ratio of medians: rounds drawn with replacement (the
  samples of one round stay together), 2,000 times; a ratio whose interval spans the target cannot be told apart from
  it at this number of samples. The interval covers this run's sampling only: repeated runs on this machine moved
  some ratios by more (a process's own state, such as what the JIT compiled, differs from run to run). Every sample
  is in results.json, in the order measured. Latency workloads record one sample per execution; batch workloads
  (b, d) one per batch: 3 rounds, and more (up to 41) while the measured rounds took under 90 s, so short batches
  get more samples (the \`n\` of each table); a subject whose own samples took more than half of that leaves the
  extra rounds (its cell gives its \`n\`), so a slow subject does not cut the samples of the fast ones beside it.
  Start latency (c) takes 100 warm-up rounds and 200 measured, and more (up to 2,000) while under 10 s: its samples on
  the in-process engines are a tenth of a millisecond, where a few hundred are not enough for a steady median.
- **Not measured here**: engine servers on other machines, network latency, persistence tuning. Absolute numbers
  depend on the machine; the ratios are what carries over.
`;
}
