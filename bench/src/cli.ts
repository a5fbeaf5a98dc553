import type { Mode } from './types.js';

/** The command line of run.js. */
export interface Options {
  readonly mode: Mode;
  /** Engines named with `--engines`, or undefined for all. */
  readonly engines: readonly string[] | undefined;
  /** Workloads named with `--workloads`, or undefined for all. */
  readonly workloads: readonly string[] | undefined;
  /** Peers named with `--peers` (none with `--peers none`), or undefined for all: see `Engine.peers`. */
  readonly peers: readonly string[] | undefined;
  /** Measured rounds of every workload, instead of the mode's (`--rounds`). */
  readonly rounds: number | undefined;
  /** Write results.json and README.md even for a quick or partial run. */
  readonly write: boolean;
  /** Internal (`--engine-result <file>`): measure the named engines in this process and write their results there. */
  readonly engineResult: string | undefined;
}

export const USAGE = `usage: node bench/dist/run.js [--quick] [--engines <list>] [--workloads <list>] [--peers <list>] [--rounds <n>] [--write]

  --quick     small counts and few rounds (CI smoke: under two minutes for every engine, under 30 s for memory)
  --engines   only these engines (memory,sqlite,temporal,restate,resonate); an engine whose adapter has not landed runs
              its native side alone when named
  --workloads only these workloads (sequential,throughput,start,sleeps,promise)
  --peers     only these of the sqlite engine's peers on their own servers (dbos,restate,temporal), or none; all by
              default, as in a full run
  --rounds    measured rounds of every workload instead of the mode's (for experiments)
  --write     write bench/results.json and bench/README.md also for a quick or partial run (a full run over every
              engine always writes them); a full-size run of some engines (--engines) replaces only their results`;

export function parseOptions(
  argv: readonly string[],
  known: {
    readonly engines: readonly string[];
    readonly workloads: readonly string[];
    readonly peers: readonly string[];
  },
): Options | 'help' {
  let mode: Mode = 'full';
  let engines: string[] | undefined;
  let workloads: string[] | undefined;
  let peers: string[] | undefined;
  let rounds: number | undefined;
  let write = false;
  let engineResult: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') continue;
    if (arg === '--help' || arg === '-h') return 'help';
    if (arg === '--quick') mode = 'quick';
    else if (arg === '--write') write = true;
    else if (arg === '--engine-result') engineResult = argv[++i];
    else if (arg === '--engines' || arg.startsWith('--engines=')) {
      engines = list(arg, arg.includes('=') ? undefined : argv[++i], known.engines);
    } else if (arg === '--workloads' || arg.startsWith('--workloads=')) {
      workloads = list(arg, arg.includes('=') ? undefined : argv[++i], known.workloads);
    } else if (arg === '--peers' || arg.startsWith('--peers=')) {
      const names = list(arg, arg.includes('=') ? undefined : argv[++i], [...known.peers, 'none']);
      peers = names.filter((name) => name !== 'none');
    } else if (arg === '--rounds') {
      rounds = Number(argv[++i]);
      if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds needs a positive integer\n${USAGE}`);
    } else {
      throw new Error(`unknown argument ${arg}\n${USAGE}`);
    }
  }
  return { mode, engines, workloads, peers, rounds, write, engineResult };
}

/** The names of `--flag a,b` or `--flag=a,b`, each checked against `known`. */
function list(arg: string, next: string | undefined, known: readonly string[]): string[] {
  const flag = arg.split('=')[0] as string;
  const value = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : next;
  if (!value) throw new Error(`${flag} needs a list, e.g. ${flag} ${known.slice(0, 2).join(',')}\n${USAGE}`);
  const names = value.split(',').map((name) => name.trim());
  const unknown = names.filter((name) => !known.includes(name));
  if (unknown.length > 0) throw new Error(`${flag}: unknown ${unknown.join(', ')}: use ${known.join(', ')}`);
  return names;
}
