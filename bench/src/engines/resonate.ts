import { adapterExports, adapterProgram } from '../adapter-program.js';
import { RESONATE_GROWTH_NOTE, RESONATE_TICK_NOTE, resonateNativeProgram } from '../native/resonate.js';
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
        RESONATE_TICK_NOTE,
        "Native results come with the SDK's notice, which the in-process store sends on a timer (about 1 ms after " +
          "the outcome is recorded); the adapter's local store resolves result() when it records the outcome.",
        RESONATE_GROWTH_NOTE,
      ],
      async close() {
        for (const subject of subjects) await subject.program.close();
      },
    };
  },
};
