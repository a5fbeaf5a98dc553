import { type Capabilities, UnsupportedFeatureError } from '@durable-runtime/core';
import type { EngineClient, EngineContext } from '@durable-runtime/core/spi';

/**
 * Deliberately wrong engines: the memory engine with one behaviour broken, either inside executions (a wrapped
 * engine context) or at the client. Each names the conformance test that must catch it.
 */
export interface Mutant {
  readonly name: string;
  /** The conformance group to run against the mutant. */
  readonly group: string;
  /** A fragment of the title of the test that must fail; `null` for an honest variant on which every test passes. */
  readonly caughtBy: string | null;
  /** Features the variant declares absent. */
  readonly undeclared?: Partial<Capabilities>;
  readonly context?: (inner: EngineContext) => EngineContext;
  readonly client?: (inner: EngineClient) => EngineClient;
}

/** An engine context that forwards everything to `inner`, with some methods replaced. */
function contextWith(inner: EngineContext, overrides: Partial<EngineContext>): EngineContext {
  return {
    get workflowName() {
      return inner.workflowName;
    },
    get executionId() {
      return inner.executionId;
    },
    runStep: (request) => inner.runStep(request),
    sleep: (ms) => inner.sleep(ms),
    promise: (name, timeoutMs) => inner.promise(name, timeoutMs),
    getState: (key) => inner.getState(key),
    setState: (key, value) => inner.setState(key, value),
    deleteState: (key) => inner.deleteState(key),
    send: (target, channel, message) => inner.send(target, channel, message),
    receive: (channel, timeoutMs) => inner.receive(channel, timeoutMs),
    callChild: (request) => inner.callChild(request),
    startChild: (request, delayMs) => inner.startChild(request, delayMs),
    now: () => inner.now(),
    random: () => inner.random(),
    uuid: () => inner.uuid(),
    ...overrides,
  };
}

/** A client that forwards everything to `inner`, with some methods replaced. */
function clientWith(inner: EngineClient, overrides: Partial<EngineClient>): EngineClient {
  return {
    backend: inner.backend,
    capabilities: inner.capabilities,
    start: (request) => inner.start(request),
    outcome: (ref) => inner.outcome(ref),
    status: (ref) => inner.status(ref),
    settlePromise: (ref, name, settlement) => inner.settlePromise(ref, name, settlement),
    getState: (ref, key) => inner.getState(ref, key),
    send: (ref, channel, message) => inner.send(ref, channel, message),
    cancel: (ref) => inner.cancel(ref),
    close: () => inner.close(),
    ...overrides,
  };
}

const later = (ms: number, work: () => Promise<unknown>) => {
  setTimeout(() => void work().catch(() => undefined), ms);
  return Promise.resolve();
};

export const MUTANTS: readonly Mutant[] = [
  {
    name: 'honest-without-timers',
    group: 'timers',
    caughtBy: null,
    undeclared: { timers: false },
    context: (inner) =>
      contextWith(inner, {
        sleep: async () => {
          throw new UnsupportedFeatureError('memory-without-timers', 'timers');
        },
      }),
  },
  {
    name: 'undeclared-feature-silently-works',
    group: 'timers',
    caughtBy: "undeclared feature 'timers' fails with UnsupportedFeatureError",
    undeclared: { timers: false },
  },
  {
    name: 'retries-one-attempt-too-many',
    group: 'steps',
    caughtBy: 'when attempts run out',
    context: (inner) =>
      contextWith(inner, {
        runStep: (request) =>
          inner.runStep({ ...request, retry: { ...request.retry, maxAttempts: request.retry.maxAttempts + 1 } }),
      }),
  },
  {
    name: 'sleep-wakes-early',
    group: 'timers',
    caughtBy: 'never wakes early',
    context: (inner) => contextWith(inner, { sleep: (ms) => inner.sleep(Math.floor(ms / 2)) }),
  },
  {
    name: 'now-not-recorded',
    group: 'determinism',
    caughtBy: 'identical after a restart',
    context: (inner) => contextWith(inner, { now: async () => Date.now() }),
  },
  {
    name: 'timed-out-receive-swallows-next-message',
    group: 'messages',
    caughtBy: 'no message is lost or duplicated',
    context: (inner) =>
      contextWith(inner, {
        async receive(channel, timeoutMs) {
          const outcome = await inner.receive(channel, timeoutMs);
          if (outcome.kind === 'timeout') void inner.receive(channel, undefined).catch(() => undefined);
          return outcome;
        },
      }),
  },
  {
    name: 'messages-reordered',
    group: 'messages',
    caughtBy: 'buffered, in order',
    client: (inner) => {
      let count = 0;
      return clientWith(inner, {
        send: (ref, channel, message) =>
          ++count % 2 === 1 ? later(40, () => inner.send(ref, channel, message)) : inner.send(ref, channel, message),
      });
    },
  },
  {
    name: 'last-promise-resolution-wins',
    group: 'promises',
    caughtBy: 'the first resolution wins',
    client: (inner) => {
      const seen = new Set<string>();
      return clientWith(inner, {
        settlePromise(ref, name, settlement) {
          const key = `${ref.executionId}/${name}`;
          if (seen.has(key)) return inner.settlePromise(ref, name, settlement);
          seen.add(key);
          return later(60, () => inner.settlePromise(ref, name, settlement));
        },
      });
    },
  },
  {
    name: 'failure-loses-error-name',
    group: 'failure-cancellation',
    caughtBy: 'carrying the cause',
    client: (inner) =>
      clientWith(inner, {
        async outcome(ref) {
          const outcome = await inner.outcome(ref);
          return outcome.status === 'completed'
            ? outcome
            : { status: outcome.status, error: { name: 'Error', message: outcome.error.message } };
        },
      }),
  },
  {
    name: 'state-hidden-while-running',
    group: 'state',
    caughtBy: 'readable from outside while running',
    client: (inner) =>
      clientWith(inner, {
        async getState(ref, key) {
          return (await inner.status(ref)) === 'running' ? undefined : inner.getState(ref, key);
        },
      }),
  },
  {
    name: 'cancel-ignored',
    group: 'failure-cancellation',
    caughtBy: 'interrupts a pending sleep',
    client: (inner) => clientWith(inner, { cancel: async () => undefined }),
  },
];
