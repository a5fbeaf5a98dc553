import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adapterExports, adapterProgram } from '../adapter-program.js';
import { closeSubjects, floorSubject } from '../native/floor.js';
import type { Engine, Subject } from '../types.js';

/**
 * The persistent local engine: `createRuntime({ backend: 'sqlite' })` on a file in the temporary directory (WAL,
 * synchronous NORMAL: durable against a process kill), against the memory engine it shares its code with (what
 * the file costs) and against the floor. A fresh file for every sample, as the memory engine gets a fresh store.
 */
export const sqliteEngine: Engine = {
  name: 'sqlite',
  availability: () => adapterExports('@durable-runtime/sqlite'),
  async open({ adapter }) {
    const dir = mkdtempSync(join(tmpdir(), 'durable-bench-sqlite-'));
    let files = 0;
    const subjects: Subject[] = [];
    if (adapter) {
      subjects.push({
        role: 'adapter',
        label: 'sqlite',
        description: '@durable-runtime/sqlite: createRuntime({ backend: "sqlite" }), one file, WAL, synchronous NORMAL',
        program: await adapterProgram(() => ({ backend: 'sqlite', path: join(dir, `bench-${files++}.sqlite`) }), {
          resettable: true,
        }),
      });
    }
    subjects.push(
      {
        role: 'peer',
        label: 'memory',
        description: '@durable-runtime/memory: the same engine over its in-memory store, nothing on disk',
        program: await adapterProgram({ backend: 'memory' }, { resettable: true }),
      },
      floorSubject(),
    );
    return {
      subjects,
      settleMs: 20,
      notes: [
        "A step's progress is committed before the next attempt starts: one commit per step, one more at the start and one at the end.",
      ],
      async close() {
        await closeSubjects(subjects);
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
};
