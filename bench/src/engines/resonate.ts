import { adapterExports, adapterProgram } from '../adapter-program.js';
import { RESONATE_GROWTH_NOTE, RESONATE_TICK_NOTE, resonateNativeProgram } from '../native/resonate.js';
import type { Engine, Subject } from '../types.js';

/**
 * Resonate in local mode (no server binary is provisioned), like for like: the adapter
 * (`createRuntime({ backend: 'resonate' })` with no url, on the adapter's `LocalStore`) against native
 * `@resonatehq/sdk/async` code on a `LocalStore` of its own; and the same native code on the SDK's stock
 * `new Resonate()`, a separate column (what the store changes). All in this process.
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
        description: '@durable-runtime/resonate: createRuntime({ backend: "resonate" }), local mode (LocalStore)',
        program: await adapterProgram({ backend: 'resonate' }, { resettable: true }),
      });
    }
    subjects.push(
      {
        role: 'native',
        label: 'native',
        description:
          '@resonatehq/sdk/async on the same store as the adapter: new Resonate({ network: new LocalStore().attach() }), ' +
          'ctx.run / ctx.sleep / ctx.promise',
        program: resonateNativeProgram('local-store'),
      },
      {
        role: 'native (stock store)',
        label: 'native, stock store',
        description: "the same native code on the SDK's stock in-process store: new Resonate() (its LocalNetwork)",
        program: resonateNativeProgram('stock'),
      },
    );
    return {
      subjects,
      settleMs: 20,
      notes: [
        RESONATE_TICK_NOTE,
        'adapter / native compares like for like: both on a LocalStore (tasks to one worker, timers read at their ' +
          "deadline). On the stock store, results come with the SDK's notice, which the in-process store sends on a " +
          'timer (about 1 ms after the outcome is recorded), and timers settle on its one-second tick; the adapter ' +
          'resolves result() when the store records the outcome, which the native code on a LocalStore does not.',
        RESONATE_GROWTH_NOTE,
      ],
      async close() {
        for (const subject of subjects) await subject.program.close();
      },
    };
  },
};
