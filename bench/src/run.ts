/**
 * `pnpm bench`: every engine, through durable-runtime and through its own SDK, interleaved in one process per engine.
 * Tables go to stdout, progress to stderr; a full run over every engine writes results.json and README.md.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseOptions, USAGE } from './cli.js';
import { measureInOwnProcess } from './engine-process.js';
import { ENGINES } from './engines/index.js';
import { currentLoad, describeMachine } from './machine.js';
import { readme, resultTables } from './markdown.js';
import { measureWorkload, type WorkloadResult } from './measure.js';
import { Progress } from './progress.js';
import { type EngineResult, type RunResult, ratiosOf, replaceEngines, TARGET_RATIO } from './results.js';
import type { Engine, Mode } from './types.js';
import { WORKLOADS } from './workloads/index.js';

const parsed = parseOptions(process.argv.slice(2), {
  engines: ENGINES.map((engine) => engine.name),
  workloads: WORKLOADS.map((workload) => workload.key),
  peers: ENGINES.flatMap((engine) => engine.peers ?? []),
});
if (parsed === 'help') {
  console.log(USAGE);
  process.exit(0);
}
const options = parsed;
const started = performance.now();
const progress = new Progress();
const machine = describeMachine();

if (options.engineResult !== undefined) {
  // A measuring process (see engine-process.ts): the named engines, here; the results to the given file.
  const measured: EngineResult[] = [];
  for (const engine of ENGINES.filter((e) => options.engines?.includes(e.name))) {
    const availability = await engine.availability();
    measured.push(await measureSafely(engine, availability.landed ? undefined : availability.reason));
  }
  progress.done();
  writeFileSync(options.engineResult, JSON.stringify(measured));
  process.exit(0);
}

const engines: EngineResult[] = [];
for (const engine of ENGINES) {
  const named = options.engines?.includes(engine.name) ?? false;
  if (options.engines && !named) continue;
  const availability = await engine.availability();
  if (!availability.landed && !named) {
    progress.log(`${engine.name}: not landed (${availability.reason})`);
    engines.push({ engine: engine.name, status: 'not landed', reason: availability.reason });
    continue;
  }
  const result = await measureInOwnProcess(engine.name, options);
  if (result.status === 'failed') progress.log(`${engine.name}: failed: ${result.reason}`);
  engines.push(result);
}
progress.done();

const run: RunResult = {
  generatedAt: new Date().toISOString(),
  mode: options.mode,
  command: ['node bench/dist/run.js', ...process.argv.slice(2).filter((arg) => arg !== '--')].join(' '),
  machine,
  loadAverage1mAtEnd: currentLoad(),
  seconds: Math.round((performance.now() - started) / 1000),
  targetRatio: TARGET_RATIO,
  engines,
};
console.log(resultTables(run));

const fullSizes =
  options.mode === 'full' &&
  options.workloads === undefined &&
  options.peers === undefined &&
  options.rounds === undefined;
const complete = fullSizes && options.engines === undefined;
if (complete || options.write) {
  const file = (name: string) => fileURLToPath(new URL(`../${name}`, import.meta.url));
  // A full-size run of some engines replaces their results in the file and keeps the other engines'.
  const merged = !complete && fullSizes && existsSync(file('results.json'));
  const written = merged ? replaceEngines(JSON.parse(readFileSync(file('results.json'), 'utf8')), run) : run;
  writeFileSync(file('results.json'), `${JSON.stringify(written, null, 2)}\n`);
  writeFileSync(file('README.md'), readme(written));
  progress.log(`wrote ${file('results.json')} and ${file('README.md')}${merged ? ' (the other engines kept)' : ''}`);
} else {
  progress.log('results not written (quick or partial run): pass --write to write results.json and README.md');
}
// Engine SDKs may keep handles open after close (native runtimes, sockets): the run is over.
process.exit(engines.some((engine) => engine.status === 'failed') ? 1 : 0);

/** {@link measureEngine}, a failure included in the results. */
async function measureSafely(engine: Engine, missingAdapter: string | undefined): Promise<EngineResult> {
  try {
    return await measureEngine(engine, missingAdapter, options.mode);
  } catch (error) {
    progress.log(`${engine.name}: failed: ${(error as Error).stack ?? String(error)}`);
    return { engine: engine.name, status: 'failed', reason: (error as Error).message };
  }
}

/** Opens an engine, runs every workload on its subjects, closes it. `missingAdapter`: measure the native side. */
async function measureEngine(engine: Engine, missingAdapter: string | undefined, mode: Mode): Promise<EngineResult> {
  const engineStarted = performance.now();
  progress.update(`${engine.name}: starting`);
  const session = await engine.open({
    adapter: missingAdapter === undefined,
    log: (line) => progress.update(`${engine.name}: ${line}`),
    peers: options.peers,
  });
  const workloads: WorkloadResult[] = [];
  try {
    for (const workload of WORKLOADS.filter((w) => options.workloads?.includes(w.key) ?? true)) {
      workloads.push(await measureWorkload(engine.name, session, workload, mode, progress, options.rounds));
    }
  } finally {
    progress.update(`${engine.name}: closing`);
    await session.close();
  }
  const seconds = Math.round((performance.now() - engineStarted) / 1000);
  progress.log(`${engine.name}: measured in ${seconds} s`);
  return {
    engine: engine.name,
    status: missingAdapter === undefined ? 'measured' : 'native only',
    ...(missingAdapter === undefined ? {} : { reason: missingAdapter }),
    subjects: session.subjects.map(({ label, role, description }) => ({ label, role, description })),
    notes: [
      ...session.notes,
      ...(mode === 'quick' ? session.subjects : []).flatMap(({ label, quick }) =>
        quick
          ? [`${label}, in a quick run: the workloads of single executions only, ${quick.rounds} measured rounds.`]
          : [],
      ),
    ],
    workloads,
    ratios: ratiosOf(workloads),
    seconds,
  };
}
