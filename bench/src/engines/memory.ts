import { adapterExports, adapterProgram } from '../adapter-program.js';
import { closeSubjects, floorSubject } from '../native/floor.js';
import { RESONATE_GROWTH_NOTE, RESONATE_TICK_NOTE, resonateNativeProgram } from '../native/resonate.js';
import type { Engine, Subject } from '../types.js';

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
      floorSubject(),
    );
    return {
      subjects,
      settleMs: 20,
      notes: [RESONATE_TICK_NOTE, RESONATE_GROWTH_NOTE],
      close: () => closeSubjects(subjects),
    };
  },
};
