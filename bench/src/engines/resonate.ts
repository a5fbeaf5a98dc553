import { adapterExports, adapterProgram } from '../adapter-program.js';
import { RESONATE_GROWTH_NOTE, resonateNativeProgram } from '../native/resonate.js';
import type { Engine, Subject } from '../types.js';

/**
 * Resonate in local mode (no server binary is provisioned): the adapter (`createRuntime({ backend: 'resonate' })`
 * with no url) against native `@resonatehq/sdk/async` code on its own `new Resonate()`, both in this process.
 */
export const resonateEngine: Engine = {
  name: 'resonate',
  availability: () => adapterExports('@durable-runtime/resonate'),
  async open({ adapter }) {
    const subjects: Subject[] = [];
    if (adapter) {
      subjects.push({
        role: 'adapter',
        label: 'adapter',
        description: '@durable-runtime/resonate: createRuntime({ backend: "resonate" }), local mode',
        program: await adapterProgram({ backend: 'resonate' }, { resettable: true }),
      });
    }
    subjects.push({
      role: 'native',
      label: 'native',
      description: '@resonatehq/sdk/async: new Resonate() in local mode, ctx.run / ctx.sleep / ctx.promise',
      program: resonateNativeProgram(),
    });
    return {
      subjects,
      settleMs: 20,
      notes: [
        'Both sides run Resonate local mode (in-process store): its timers tick once per second, so a 100 ms sleep ' +
          'takes about 1 s on both sides.',
        RESONATE_GROWTH_NOTE,
      ],
      async close() {
        for (const subject of subjects) await subject.program.close();
      },
    };
  },
};
