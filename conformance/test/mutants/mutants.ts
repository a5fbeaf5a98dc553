import {
  CancelledError,
  type Capabilities,
  ExecutionNotFoundError,
  NonDeterminismError,
  UnsupportedFeatureError,
} from '@durable-runtime/core';
import type { EngineClient, EngineContext } from '@durable-runtime/core/spi';

/**
 * Deliberately wrong engines: the memory engine with one behaviour broken, either inside executions (a wrapped
 * engine context) or at the client. Each names the conformance test that must catch it.
 */
export interface Mutant {
  readonly name: string;
  /** The conformance group to run against the mutant. */
  readonly group: string;
  /**
   * Fragments of the titles of the tests that must fail (each fragment at least one test; every failing test
   * matches one); `null` for an honest variant on which every test passes.
   */
  readonly caughtBy: string | readonly string[] | null;
  /** Features the variant declares absent. */
  readonly undeclared?: Partial<Capabilities>;
  readonly context?: (inner: EngineContext) => EngineContext;
  /** `worker` is false for the client-only runtime of the `outages` group. */
  readonly client?: (inner: EngineClient, mode: { readonly worker: boolean }) => EngineClient;
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
    caughtBy: ['when attempts run out', 'the default policy makes 5 attempts', 'when every attempt times out'],
    context: (inner) =>
      contextWith(inner, {
        runStep: (request) =>
          inner.runStep({ ...request, retry: { ...request.retry, maxAttempts: request.retry.maxAttempts + 1 } }),
      }),
  },
  {
    name: 'sleep-wakes-early',
    group: 'timers',
    caughtBy: [
      'never wakes early',
      'duration strings are accepted',
      'sleepUntil waits',
      'a sleep survives a worker restart',
    ],
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
          return later(60, () => inner.settlePromise(ref, name, settlement)).then(() => true);
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
          // The name of an application's own error is lost (the library's errors, with a code, keep theirs).
          return outcome.status === 'completed' || outcome.error.code !== undefined
            ? outcome
            : { status: outcome.status, error: { name: 'Error', message: outcome.error.message } };
        },
      }),
  },
  {
    name: 'state-hidden-while-running',
    group: 'state',
    caughtBy: ['readable from outside while running', 'state survives a restart', 'a value a client has read'],
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
    caughtBy: ['interrupts a pending sleep', 'interrupts a pending promise', 'interrupts a pending receive'],
    client: (inner) => clientWith(inner, { cancel: async () => undefined }),
  },
  // ---- second edition: one mutant per rule, each caught by the named tests and no others ----
  {
    name: 'send-to-unknown-workflow-succeeds',
    group: 'identity',
    caughtBy: 'ctx.send to an id of another workflow',
    context: (inner) =>
      contextWith(inner, {
        send: (target, channel, message) =>
          inner.send(target, channel, message).catch((error: unknown) => {
            if (!ExecutionNotFoundError.is(error)) throw error;
          }),
      }),
  },
  {
    name: 'no-compensation-after-cancel',
    group: 'cancellation',
    caughtBy: ['the workflow compensates', 'new sleeps, promises, receives and calls throw'],
    context: (inner) => {
      let cancelled = false;
      const watch = <T>(work: Promise<T>) =>
        work.catch((error: unknown) => {
          if (CancelledError.is(error)) cancelled = true;
          throw error;
        });
      return contextWith(inner, {
        promise: (name, timeoutMs) => watch(inner.promise(name, timeoutMs)),
        runStep: (request) => (cancelled ? Promise.reject(new CancelledError()) : inner.runStep(request)),
      });
    },
  },
  {
    name: 'zero-interval-backs-off',
    group: 'retries',
    caughtBy: 'initialInterval: 0 retries at once',
    context: (inner) =>
      contextWith(inner, {
        runStep: (request) =>
          inner.runStep(
            request.retry.initialIntervalMs === 0
              ? { ...request, retry: { ...request.retry, initialIntervalMs: 2_000, maxIntervalMs: 60_000 } }
              : request,
          ),
      }),
  },
  {
    name: 'step-arguments-compared',
    group: 'code-changes',
    caughtBy: "changing a recorded step's arguments is accepted",
    context: (inner) => {
      const position = new Map<string, number>();
      return contextWith(inner, {
        runStep(request) {
          const seq = position.get(inner.executionId) ?? 0;
          position.set(inner.executionId, seq + 1);
          const key = `${inner.executionId}#${seq}`;
          const args = JSON.stringify(request.args);
          const recorded = RECORDED_ARGS.get(key);
          if (recorded !== undefined && recorded !== args) {
            return Promise.reject(new NonDeterminismError(`arguments of step #${seq} changed`));
          }
          RECORDED_ARGS.set(key, args);
          return inner.runStep(request);
        },
      });
    },
  },
  {
    name: 'late-delivery-to-failed-execution-accepted',
    group: 'after-end',
    caughtBy: 'a failed execution refuses deliveries',
    client: (inner) =>
      clientWith(inner, {
        async settlePromise(ref, name, settlement) {
          return (await inner.status(ref)) === 'failed' ? true : inner.settlePromise(ref, name, settlement);
        },
        async send(ref, channel, message) {
          if ((await inner.status(ref)) !== 'failed') await inner.send(ref, channel, message);
        },
      }),
  },
  {
    name: 'every-resolution-says-it-won',
    group: 'after-end',
    caughtBy: ['resolvePromise tells whether its value won', 'exactly one wins'],
    client: (inner) =>
      clientWith(inner, {
        settlePromise: (ref, name, settlement) => inner.settlePromise(ref, name, settlement).then(() => true),
      }),
  },
  {
    name: 'proto-promise-name-resolves-at-once',
    group: 'limits',
    caughtBy: "'__proto__' works",
    context: (inner) =>
      contextWith(inner, {
        promise: (name, timeoutMs) =>
          name === '__proto__' ? Promise.resolve({ kind: 'value', value: undefined }) : inner.promise(name, timeoutMs),
      }),
  },
  {
    name: 'state-unreadable-without-worker',
    group: 'outages',
    caughtBy: 'with no worker running',
    client: (inner, { worker }) => (worker ? inner : clientWith(inner, { getState: async () => undefined })),
  },
  // ---- rule 12: concurrency ----
  {
    name: 'message-given-to-two-receivers',
    group: 'concurrency',
    caughtBy: ['concurrent receives on one channel', 'fewer messages than concurrent receives'],
    context: (inner) => {
      const pending = new Map<string, ReturnType<EngineContext['receive']>>();
      return contextWith(inner, {
        receive(channel, timeoutMs) {
          const shared = pending.get(channel);
          if (shared) return shared;
          const first = inner.receive(channel, timeoutMs).finally(() => pending.delete(channel));
          pending.set(channel, first);
          return first;
        },
      });
    },
  },
  {
    name: 'race-waits-for-the-loser',
    group: 'concurrency',
    caughtBy: [
      'race of step and sleep: sleep wins',
      'race of sleep and promise: sleep wins',
      'race of sleep and receive: sleep wins',
      'race of sleep and call: sleep wins',
    ],
    context: (inner) => {
      // A sleep that has ended is handed back only once no other kind of wait of the execution is pending.
      let pending = 0;
      const idle: Array<() => void> = [];
      const tracked = <T>(work: Promise<T>): Promise<T> => {
        pending++;
        return work.finally(() => {
          pending--;
          if (pending === 0) for (const wake of idle.splice(0)) wake();
        });
      };
      const whenIdle = () => (pending === 0 ? Promise.resolve() : new Promise<void>((wake) => idle.push(wake)));
      return contextWith(inner, {
        runStep: (request) => tracked(inner.runStep(request)),
        promise: (name, timeoutMs) => tracked(inner.promise(name, timeoutMs)),
        receive: (channel, timeoutMs) => tracked(inner.receive(channel, timeoutMs)),
        callChild: (request) => tracked(inner.callChild(request)),
        sleep: (ms) => inner.sleep(ms).then(whenIdle),
      });
    },
  },
];

/** Step arguments by execution and position, across the restarts of one mutant run. */
const RECORDED_ARGS = new Map<string, string>();
