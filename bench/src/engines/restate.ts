import { adapterExports, adapterProgram } from '../adapter-program.js';
import { restateNativeProgram } from '../native/restate.js';
import { type Opened, opening } from '../opened.js';
import type { Engine, Program, Subject } from '../types.js';

/** Imported at run time by a variable specifier: the package is built outside this project's references. */
const TESTING = '@durable-runtime/restate/testing';

/** What this module needs of `@durable-runtime/restate/testing`. */
export interface RestateTestServer {
  readonly ingressUrl: string;
  readonly adminUrl: string;
  stop(): Promise<void>;
}

export const RESTATE_ADAPTER =
  '@durable-runtime/restate: createRuntime({ backend: "restate" }), endpoint in this process';
export const RESTATE_SERVER_NOTE =
  'Restate server from the npm package @restatedev/restate-server, lean test settings, on this machine.';

/** Starts a Restate server with `@durable-runtime/restate/testing`, stopped when `opened` closes. */
export async function startRestate(opened: Opened, log: (line: string) => void): Promise<RestateTestServer> {
  log('starting a Restate server');
  const testing = (await import(TESTING)) as { startRestateServer(): Promise<RestateTestServer> };
  return opened.add(await testing.startRestateServer(), (server) => server.stop());
}

/** The adapter on `server`, serving its endpoint from this process, closed when `opened` closes. */
export async function restateAdapterProgram(opened: Opened, server: RestateTestServer): Promise<Program> {
  return opened.program(
    await adapterProgram({
      backend: 'restate',
      ingressUrl: server.ingressUrl,
      adminUrl: server.adminUrl,
      endpointPort: 0,
    }),
  );
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
  open: ({ adapter, log }) =>
    opening(async (opened) => {
      const server = await startRestate(opened, log);
      const subjects: Subject[] = [];
      if (adapter) {
        subjects.push({
          role: 'adapter',
          label: 'adapter',
          description: RESTATE_ADAPTER,
          program: await restateAdapterProgram(opened, server),
        });
      }
      subjects.push({
        role: 'native',
        label: 'native',
        description:
          '@restatedev/restate-sdk workflows (ctx.run, ctx.sleep, ctx.promise) + sdk-clients over the ingress',
        program: opened.program(await restateNativeProgram(server)),
      });
      return { subjects, settleMs: 100, notes: [RESTATE_SERVER_NOTE], close: () => opened.close() };
    }),
};
