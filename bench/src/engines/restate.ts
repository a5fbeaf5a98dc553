import { adapterExports, adapterProgram } from '../adapter-program.js';
import { restateNativeProgram } from '../native/restate.js';
import type { Engine, Program, Subject } from '../types.js';

/** Imported at run time by a variable specifier: the package is built outside this project's references. */
const TESTING = '@durable-runtime/restate/testing';

/** What this module needs of `@durable-runtime/restate/testing`. */
interface RestateTestServer {
  readonly ingressUrl: string;
  readonly adminUrl: string;
  stop(): Promise<void>;
}

/**
 * Restate: the adapter (`createRuntime({ backend: 'restate' })`, serving its endpoint from this process) against
 * hand-written `@restatedev/restate-sdk` workflows served from this process too (HTTP/2 endpoint registered with the
 * admin API) and driven through the ingress with `@restatedev/restate-sdk-clients`, on one server started by
 * `@durable-runtime/restate/testing`.
 */
export const restateEngine: Engine = {
  name: 'restate',
  availability: () => adapterExports('@durable-runtime/restate'),
  async open({ adapter, log }) {
    log('starting a Restate server');
    const testing = (await import(TESTING)) as {
      startRestateServer(): Promise<RestateTestServer>;
    };
    const server = await testing.startRestateServer();
    const opened: Program[] = [];
    try {
      const subjects: Subject[] = [];
      if (adapter) {
        const program = await adapterProgram({
          backend: 'restate',
          ingressUrl: server.ingressUrl,
          adminUrl: server.adminUrl,
          endpointPort: 0,
        });
        opened.push(program);
        subjects.push({
          role: 'adapter',
          label: 'adapter',
          description: '@durable-runtime/restate: createRuntime({ backend: "restate" }), endpoint in this process',
          program,
        });
      }
      const native = await restateNativeProgram(server);
      opened.push(native);
      subjects.push({
        role: 'native',
        label: 'native',
        description:
          '@restatedev/restate-sdk workflows (ctx.run, ctx.sleep, ctx.promise) + sdk-clients over the ingress',
        program: native,
      });
      return {
        subjects,
        settleMs: 100,
        notes: ['Restate server from the npm package @restatedev/restate-server, lean test settings, on this machine.'],
        async close() {
          for (const program of opened) await program.close();
          await server.stop();
        },
      };
    } catch (error) {
      for (const program of opened) await program.close().catch(() => undefined);
      await server.stop();
      throw error;
    }
  },
};
