import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adapterExports, adapterProgram } from '../adapter-program.js';
import { floorSubject } from '../native/floor.js';
import { type Opened, opening } from '../opened.js';
import type { Engine, Subject } from '../types.js';
import { RESTATE_ADAPTER, RESTATE_SERVER_NOTE, restateAdapterProgram, startRestate } from './restate.js';
import { startTemporal, TEMPORAL_ADAPTER, TEMPORAL_SERVER_NOTE, temporalAdapterProgram } from './temporal.js';

/** How long the promise workload lets an execution on a server settle (the in-process subjects take 20 ms). */
const SERVER_SETTLE_MS = 100;

/** A peer of the sqlite engine on a server of its own: its subject, with the note on that server. */
type PeerOpener = (opened: Opened, log: (line: string) => void) => Promise<Subject & { readonly note: string }>;

/** The sqlite engine's peers on servers of their own (`--peers`), in report order. */
const PEERS = {
  async dbos(opened, log) {
    log('starting PostgreSQL and DBOS');
    // Loaded here: the SDK stays out of the other engines' measuring processes.
    const { DBOS_NOTE, dbosNativeProgram } = await import('../native/dbos.js');
    const program = opened.program(await dbosNativeProgram());
    const { description, postgresMajor } = program;
    return {
      role: 'DBOS',
      label: `DBOS Transact (PostgreSQL ${postgresMajor})`,
      description,
      program,
      note: DBOS_NOTE,
    };
  },
  async restate(opened, log) {
    const program = await restateAdapterProgram(opened, await startRestate(opened, log));
    return {
      role: 'restate adapter',
      label: 'Restate adapter',
      description: RESTATE_ADAPTER,
      program,
      note: RESTATE_SERVER_NOTE,
    };
  },
  async temporal(opened, log) {
    const program = await temporalAdapterProgram(opened, await startTemporal(opened, log), log);
    // Its batches took 9 minutes of a full run, and then 1,000 concurrent starts timed out (DEADLINE_EXCEEDED) on a
    // dev server sharing the 2 cores with Restate's and PostgreSQL: it takes the single-execution workloads only,
    // and in the smoke run 3 rounds of them.
    return {
      role: 'temporal adapter',
      label: 'Temporal adapter',
      description: TEMPORAL_ADAPTER,
      program,
      quick: { rounds: 3 },
      singleExecutionsOnly: true,
      note: `${TEMPORAL_SERVER_NOTE} The Temporal adapter takes the single-execution workloads only (10 steps, start latency, promise round trip).`,
    };
  },
} satisfies Record<string, PeerOpener>;

/** Their names, for `--peers`. */
export const SQLITE_PEERS = Object.keys(PEERS) as (keyof typeof PEERS)[];

/**
 * The persistent local engine: `createRuntime({ backend: 'sqlite' })` on a file in the temporary directory (WAL,
 * synchronous NORMAL: durable against a process kill), against the memory engine it shares its code with (what
 * the file costs) and against the floor. A fresh file for every sample, as the memory engine gets a fresh store.
 * And against what one would use instead, each on a server this session starts: DBOS Transact, a library that
 * checkpoints into PostgreSQL (native code), and the Restate and Temporal adapters (the same workflow definitions).
 */
export const sqliteEngine: Engine = {
  name: 'sqlite',
  availability: () => adapterExports('@durable-runtime/sqlite'),
  peers: SQLITE_PEERS,
  open: ({ adapter, log, peers }) =>
    opening(async (opened) => {
      const dir = opened.add(mkdtempSync(join(tmpdir(), 'durable-bench-sqlite-')), (path) =>
        rmSync(path, { recursive: true, force: true }),
      );
      let files = 0;
      const subjects: Subject[] = [];
      if (adapter) {
        subjects.push({
          role: 'adapter',
          label: 'sqlite',
          description:
            '@durable-runtime/sqlite: createRuntime({ backend: "sqlite" }), one file, WAL, synchronous NORMAL',
          program: opened.program(
            await adapterProgram(() => ({ backend: 'sqlite', path: join(dir, `bench-${files++}.sqlite`) }), {
              resettable: true,
            }),
          ),
        });
      }
      subjects.push(
        {
          role: 'peer',
          label: 'memory',
          description: '@durable-runtime/memory: the same engine over its in-memory store, nothing on disk',
          program: opened.program(await adapterProgram({ backend: 'memory' }, { resettable: true })),
        },
        floorSubject(),
      );
      const notes = [
        "A step's result is committed before the next attempt starts, and the last one with the end: 11 commits per " +
          '10-step execution, the start included (counted by wrapping node:sqlite statements).',
      ];
      for (const peer of SQLITE_PEERS.filter((name) => peers?.includes(name) ?? true)) {
        const { note, ...subject } = await PEERS[peer](opened, log).catch((error: Error) => {
          throw new Error(`its peer ${peer} did not start (--peers leaves it out): ${error.message}`, { cause: error });
        });
        subjects.push({ settleMs: SERVER_SETTLE_MS, ...subject });
        notes.push(note);
      }
      return { subjects, settleMs: 20, notes, close: () => opened.close() };
    }),
};
