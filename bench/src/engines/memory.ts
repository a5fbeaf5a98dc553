import { adapterExports, adapterProgram } from '../adapter-program.js';
import { floorProgram } from '../native/floor.js';
import { RESONATE_GROWTH_NOTE, RESONATE_TICK_NOTE, resonateNativeProgram } from '../native/resonate.js';
import type { Engine, Program, Subject } from '../types.js';

/**
 * Local mode: the memory engine (`createRuntime({ backend: 'memory' })`) against its in-process peer, Resonate's
 * local mode (`new Resonate()` with no server), and against the floor, plain async code doing the same work.
 */
export const memoryEngine: Engine = {
  name: 'memory',
  availability: () => adapterExports('@durable-runtime/memory'),
  async open({ adapter }) {
    const subjects: Subject[] = [];
    if (adapter) {
      subjects.push({
        role: 'adapter',
        label: 'memory',
        description: '@durable-runtime/memory: createRuntime({ backend: "memory" }), real clock',
        program: await adapterProgram({ backend: 'memory' }, { resettable: true }),
      });
    }
    subjects.push(
      {
        role: 'peer',
        label: 'Resonate local',
        description: '@resonatehq/sdk/async in local mode (new Resonate(), in-process store), native code',
        program: resonateNativeProgram(),
      },
      {
        role: 'floor',
        label: 'plain async',
        description: 'the same step functions called by plain async code, setTimeout for sleeps, nothing durable',
        program: floorProgram(),
      },
    );
    return {
      subjects,
      settleMs: 20,
      notes: [RESONATE_TICK_NOTE, RESONATE_GROWTH_NOTE],
      close: () => closeAll(subjects.map((subject) => subject.program)),
    };
  },
};

async function closeAll(programs: readonly Program[]): Promise<void> {
  for (const program of programs) await program.close();
}
