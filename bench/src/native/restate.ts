import { createServer, type Http2Server, type ServerHttp2Session } from 'node:http2';
import type { AddressInfo } from 'node:net';
import * as restate from '@restatedev/restate-sdk';
import * as clients from '@restatedev/restate-sdk-clients';
import { hit } from '../marks.js';
import type { Program } from '../types.js';
import { increment } from '../workflows.js';

/**
 * The workloads as hand-written Restate workflows (`@restatedev/restate-sdk`: `ctx.run`, `ctx.sleep`, a workflow
 * promise resolved by a shared handler), served from this process on an HTTP/2 endpoint registered with the admin
 * API, and driven through the ingress with `@restatedev/restate-sdk-clients` (submit, then attach).
 */

/**
 * The SDK's warnings and errors, on stderr. Its default logs two INFO lines per invocation on stdout; the adapter
 * logs warnings and errors only (its default `logLevel`), and both sides must do the same work.
 */
const warningsOnly: restate.LoggerTransport = (meta, message, ...rest) => {
  if (meta.replaying || (meta.level !== 'warn' && meta.level !== 'error')) return;
  console.error(`[restate native] ${meta.level.toUpperCase()}:`, message, ...rest);
};

/** The adapter's default step policy (5 attempts, 1 s doubling up to 60 s). */
const runOptions = {
  maxRetryAttempts: 5,
  initialRetryInterval: 1_000,
  retryIntervalFactor: 2,
  maxRetryInterval: 60_000,
};

const nativeSteps = restate.workflow({
  name: 'nativeSteps',
  handlers: {
    run: async (ctx: restate.WorkflowContext, input: { count: number; n: number }) => {
      let value = input.n;
      for (let i = 0; i < input.count; i++) {
        const current = value;
        value = await ctx.run('addOne', async () => increment(current), runOptions);
      }
      return value;
    },
  },
});

const nativeStart = restate.workflow({
  name: 'nativeStart',
  handlers: {
    run: async (ctx: restate.WorkflowContext, key: string) =>
      ctx.run('mark', async () => {
        hit(key);
        return true;
      }),
  },
});

const nativeSleep = restate.workflow({
  name: 'nativeSleep',
  handlers: {
    run: async (ctx: restate.WorkflowContext, ms: number) => {
      await ctx.sleep(ms);
      return ms;
    },
  },
});

const nativePromise = restate.workflow({
  name: 'nativePromise',
  handlers: {
    run: async (ctx: restate.WorkflowContext, key: string) => {
      await ctx.run('mark', async () => {
        hit(key);
        return true;
      });
      return ctx.promise<number>('go');
    },
    go: async (ctx: restate.WorkflowSharedContext, value: number) => {
      await ctx.promise<number>('go').resolve(value);
    },
  },
});

export async function restateNativeProgram(server: {
  readonly ingressUrl: string;
  readonly adminUrl: string;
}): Promise<Program> {
  const endpoint = restate
    .endpoint()
    .bind(nativeSteps)
    .bind(nativeStart)
    .bind(nativeSleep)
    .bind(nativePromise)
    .setLogger(warningsOnly);
  const http: Http2Server = createServer(endpoint.http2Handler());
  const sessions = new Set<ServerHttp2Session>();
  http.on('session', (session: ServerHttp2Session) => {
    sessions.add(session);
    session.once('close', () => sessions.delete(session));
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  const response = await fetch(`${server.adminUrl}/deployments`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ uri: `http://127.0.0.1:${port}`, force: true }),
  });
  if (!response.ok) throw new Error(`Restate did not register the native endpoint: ${await response.text()}`);
  const ingress = clients.connect({ url: server.ingressUrl });
  return {
    async runSteps(id, count, n) {
      const workflow = ingress.workflowClient(nativeSteps, id);
      await workflow.workflowSubmit({ count, n });
      return workflow.workflowAttach();
    },
    async startMarked(id) {
      const workflow = ingress.workflowClient(nativeStart, id);
      await workflow.workflowSubmit(id);
      return () => workflow.workflowAttach();
    },
    async runSleep(id, ms) {
      const workflow = ingress.workflowClient(nativeSleep, id);
      await workflow.workflowSubmit(ms);
      await workflow.workflowAttach();
    },
    async startWaiting(id) {
      const workflow = ingress.workflowClient(nativePromise, id);
      await workflow.workflowSubmit(id);
      return {
        async resolve(value) {
          await workflow.go(value);
        },
        result: () => workflow.workflowAttach(),
      };
    },
    async close() {
      for (const session of sessions) session.destroy();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
