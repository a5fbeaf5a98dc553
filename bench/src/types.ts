/** The vocabulary of the benchmark: programs, subjects, engines and workloads. */

/** An execution waiting for its durable promise `go`. */
export interface Waiting {
  resolve(value: number): Promise<unknown>;
  result(): Promise<number>;
}

/**
 * One way to run the workloads' workflows: through the durable-runtime adapter, through the engine's own SDK, or
 * as plain code. Every method takes a fresh execution id.
 */
export interface Program {
  /** Runs `count` sequential steps (each adds one to `n`) from start to result. */
  runSteps(id: string, count: number, n: number): Promise<number>;
  /** Starts an execution whose first step marks `id` (see marks.ts); returns a function that awaits its end. */
  startMarked(id: string): Promise<() => Promise<unknown>>;
  /** Runs one durable sleep of `ms` from start to result. */
  runSleep(id: string, ms: number): Promise<void>;
  /** Starts an execution that marks `id`, then waits for its promise `go` and returns the value. */
  startWaiting(id: string): Promise<Waiting>;
  /**
   * Starts over on a fresh in-process engine (local modes only; a server keeps its history). Called before every
   * sample, untimed, so that no sample pays for what earlier ones left in an in-process store.
   */
  reset?(): Promise<void>;
  close(): Promise<void>;
}

/**
 * What a subject is to its engine: the adapter under test, the engine's own SDK on the same store (`native`), the
 * SDK on its stock store where the adapter runs on another one (`native (stock store)`), or what it is compared with:
 * the same engine or an in-process one (`peer`), a library of its kind on its own database (`DBOS`), the adapter of
 * a server engine (`restate adapter`, `temporal adapter`), plain code (`floor`). Each role is one ratio column.
 */
export type Role =
  | 'adapter'
  | 'native'
  | 'native (stock store)'
  | 'peer'
  | 'DBOS'
  | 'restate adapter'
  | 'temporal adapter'
  | 'floor';

/** A program taking part in an engine's comparison. */
export interface Subject {
  readonly role: Role;
  /** Short column label, e.g. `adapter`, `native`, `Resonate local`. */
  readonly label: string;
  /** One line: what exactly runs. */
  readonly description: string;
  readonly program: Program;
  /** The promise workload's settle time for this subject, where it differs from its session's (a server's). */
  readonly settleMs?: number;
  /**
   * A subject too slow for the smoke run (`--quick`) at full part: there it takes only the workloads of single
   * executions (not the batches), their warm-up rounds and their first `rounds` measured rounds.
   */
  readonly quick?: { readonly rounds: number };
  /** Takes only the workloads of single executions, in every mode (a dash in the batches' cells). */
  readonly singleExecutionsOnly?: boolean;
}

/** An engine set up for measuring: its subjects, how long to let an execution settle, notes for the report. */
export interface EngineSession {
  readonly subjects: readonly Subject[];
  /** How long the promise workload waits after the mark before it resolves (the execution must be waiting). */
  readonly settleMs: number;
  /** Facts a reader needs to interpret the numbers (e.g. a timer granularity). */
  readonly notes: readonly string[];
  close(): Promise<void>;
}

/** Whether an engine's adapter is there to measure. */
export type Availability = { readonly landed: true } | { readonly landed: false; readonly reason: string };

/** One engine: one module under src/engines/. */
export interface Engine {
  readonly name: string;
  /** Checks at run time that the adapter package exports `createBackend`. */
  availability(): Promise<Availability>;
  /** The subjects that can be left out of its session (`--peers`), e.g. the sqlite engine's servers. */
  readonly peers?: readonly string[];
  /**
   * Starts what the engine needs (a server) and builds the subjects; `adapter: false` builds the others only;
   * `peers`: only these of {@link Engine.peers} (all when undefined).
   */
  open(options: {
    readonly adapter: boolean;
    readonly log: (line: string) => void;
    readonly peers?: readonly string[] | undefined;
  }): Promise<EngineSession>;
}

/** The sizes of a run: full or `--quick`. */
export type Mode = 'full' | 'quick';

/** What a workload measures on one subject in one round. */
export interface SampleContext {
  readonly program: Program;
  /** A fresh execution id (unique in the process). */
  id(): string;
  readonly round: number;
  readonly settleMs: number;
}

/** A plan of rounds: warm-up rounds are run but not recorded. */
export interface Rounds {
  readonly warmup: number;
  readonly measured: number;
  /**
   * More measured rounds, up to `rounds` in all, while the measured ones took under `whileUnderMs` together: engines
   * whose samples are short get more of them (less noise), slow engines stay at `measured`. A subject whose own
   * measured samples took more than half of `whileUnderMs` leaves the extra rounds and its time stops counting: a
   * slow subject does not cut the samples of the fast ones it shares a session with.
   */
  readonly extra?: { readonly rounds: number; readonly whileUnderMs: number };
}

/** One workload: one module under src/workloads/. */
export interface Workload {
  readonly key: string;
  /** Shown in the tables, e.g. `10 sequential steps`. */
  readonly title: string;
  /** What one sample is, e.g. `start to result, ms`. */
  readonly unit: string;
  /** Whether p99 over samples means something (many single-execution samples) or not (few batches). */
  readonly percentiles: boolean;
  /**
   * Whether every sample starts on a freshly collected heap (a full garbage collection before it, untimed). Batch
   * workloads set it: the garbage of one batch would otherwise fall on the next subject's sample.
   */
  readonly freshHeap: boolean;
  rounds(mode: Mode): Rounds;
  /** The parameters of this mode, for the report (e.g. `{ executions: 500, inFlight: 50 }`). */
  parameters(mode: Mode): Readonly<Record<string, number>>;
  /** Runs one sample and returns its duration in milliseconds. Throws when a result is wrong. */
  sample(context: SampleContext, mode: Mode): Promise<number>;
  /** An extra figure derived from the median (e.g. executions per second), for the report. */
  derived?(medianMs: number, mode: Mode): { readonly label: string; readonly value: number } | undefined;
}
