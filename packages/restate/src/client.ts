import { randomUUID } from 'node:crypto';
import {
  type Capabilities,
  EngineConnectionError,
  ExecutionEndedError,
  ExecutionNotFoundError,
  type ExecutionStatus,
  idOwnedByOtherWorkflow,
} from '@durable-runtime/core';
import type {
  EngineClient,
  ExecutionOutcome,
  ExecutionRef,
  PromiseSettlement,
  StartRequest,
} from '@durable-runtime/core/spi';
import type { AdminClient } from './admin-client.js';
import { restateCapabilities } from './capabilities.js';
import { ingressAddress } from './connection.js';
import { nextUnrecordedWait, UNRECORDED_WAIT } from './execution-record.js';
import { outcomeOfFailure } from './failures.js';
import { type IngressClient, ingressFailure } from './ingress-client.js';
import { type Introspection, RecordBatch, type StoredExecution } from './introspection.js';
import { type Checked, type ExecutionRecord, promiseKey, type RunOutput } from './protocol.js';

/** How long `result()` calls are gathered before one query reads their records. */
const RECORD_BATCH_WINDOW_MS = 200;

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A promise that never settles (the loser of a race; a fresh one each time, so that no reactions pile up). */
const never = () => new Promise<never>(() => undefined);

/** What the client talks to. */
export interface ClientConnections {
  readonly ingress: IngressClient;
  readonly admin: AdminClient;
  readonly introspection: Introspection;
  readonly ingressUrl: string;
  /** The longest a call waits for the server or a worker, in milliseconds. */
  readonly requestTimeoutMs: number;
}

/**
 * The adapter's {@link EngineClient}. Starts and deliveries go through the ingress, cancellation through the admin
 * API; reads (status, state, the execution's record) need no worker: the ingress answers an ended run's output, and
 * the admin API's SQL introspection reads the record and the state. Readers check the record (written by the run),
 * so an unknown id, or an id of another workflow, is `ExecutionNotFoundError` and nothing is created.
 */
export class RestateEngineClient implements EngineClient {
  readonly backend = 'restate';
  readonly capabilities: Capabilities = restateCapabilities;
  readonly #ingress: IngressClient;
  readonly #admin: AdminClient;
  readonly #introspection: Introspection;
  readonly #records: RecordBatch;

  constructor(
    private readonly connections: ClientConnections,
    private readonly onClose: () => Promise<void>,
  ) {
    this.#ingress = connections.ingress;
    this.#admin = connections.admin;
    this.#introspection = connections.introspection;
    this.#records = new RecordBatch(connections.introspection, RECORD_BATCH_WINDOW_MS);
  }

  async start(request: StartRequest): Promise<void> {
    const { workflowName, executionId, input } = request;
    const { created } = await this.#ingress.submit(executionId, { workflowName, runId: randomUUID(), input });
    if (created) return;
    const record = await this.#recordOf(executionId);
    if (record && record.workflowName !== workflowName) {
      throw idOwnedByOtherWorkflow(executionId, record.workflowName, workflowName);
    }
  }

  /**
   * Attaches to the run; meanwhile its record is read once (one query for the waits that begin within
   * {@link RECORD_BATCH_WINDOW_MS}), so that a handle of another workflow does not wait for the end of an execution
   * that is not its own. Chained rather than awaited: a caller waiting for a long execution keeps no suspended frame
   * of this method alive.
   */
  outcome(ref: ExecutionRef): Promise<ExecutionOutcome> {
    const attach = new AbortController();
    let waiting = true;
    const attached = this.#ingress.attach(ref.executionId, attach.signal).then(
      (output) => {
        waiting = false;
        return this.#checked(ref, output);
      },
      (error: unknown) => {
        waiting = false;
        return this.#outcomeAfterAttachError(ref, error);
      },
    );
    // A record that cannot be read, or is not written yet: the attach tells what is wrong.
    const foreign = this.#records
      .record(ref.executionId, () => waiting)
      .then((record) => {
        if (!record || record.workflowName === ref.workflowName) return never();
        attach.abort();
        throw new ExecutionNotFoundError(ref.workflowName, ref.executionId);
      });
    return Promise.race([attached, foreign]);
  }

  async status(ref: ExecutionRef): Promise<ExecutionStatus> {
    try {
      const output = await this.#ingress.output(ref.executionId);
      if (output) return this.#checked(ref, output).status;
    } catch (error) {
      const failure = ingressFailure(error);
      if (failure?.source !== 'invocation') {
        if (failure?.status === 404) throw new ExecutionNotFoundError(ref.workflowName, ref.executionId);
        throw error;
      }
      await this.#find(ref);
      return outcomeOfFailure(failure.code, failure.message).status;
    }
    await this.#find(ref);
    return 'running';
  }

  async settlePromise(ref: ExecutionRef, name: string, settlement: PromiseSettlement): Promise<boolean> {
    const input = { workflowName: ref.workflowName, name: promiseKey(name), settlement };
    const answer = await this.#deliver(ref, () => this.#ingress.settle(ref.executionId, input));
    if (answer === 'queued') {
      throw this.#noWorker(ref, 'the settlement is queued and applies when a worker serves the endpoint again');
    }
    return answer.settled;
  }

  async getState(ref: ExecutionRef, key: string | undefined): Promise<unknown> {
    const { entries } = await this.#read(ref, key);
    if (key === undefined) return entries;
    return Object.hasOwn(entries, key) ? entries[key] : undefined; // not `constructor` of Object.prototype
  }

  async send(ref: ExecutionRef, channel: string, message: unknown): Promise<void> {
    const input = { workflowName: ref.workflowName, channel, message };
    // 'queued': accepted durably by Restate; the mailbox numbers it when a worker serves the endpoint again.
    await this.#deliver(ref, () => this.#ingress.send(ref.executionId, input));
  }

  async cancel(ref: ExecutionRef): Promise<void> {
    const record = await this.#find(ref);
    if (record.ended) return; // a no-op for an ended execution
    // 'completed': it ended meanwhile, nothing to do.
    if ((await this.#admin.cancel(record.invocationId)) === 'unknown') {
      throw new ExecutionNotFoundError(ref.workflowName, ref.executionId);
    }
  }

  close(): Promise<void> {
    return this.onClose();
  }

  /** The record of the execution of `ref`; `ExecutionNotFoundError` for an unknown id or another workflow's. */
  async #find(ref: ExecutionRef): Promise<ExecutionRecord> {
    const record = await this.#recordOf(ref.executionId);
    if (record?.workflowName !== ref.workflowName) throw new ExecutionNotFoundError(ref.workflowName, ref.executionId);
    return record;
  }

  /** The record and state of the execution of `ref` (`ExecutionNotFoundError` for an unknown id or another's). */
  async #read(ref: ExecutionRef, key: string | undefined): Promise<StoredExecution> {
    const stored = await this.#introspection.read(ref.executionId, key);
    if (stored.record?.workflowName === ref.workflowName) return stored;
    // Not recorded yet: a run that has not begun has no state.
    if (!stored.record && (await this.#recordOf(ref.executionId))?.workflowName === ref.workflowName) {
      return { record: null, entries: {} };
    }
    throw new ExecutionNotFoundError(ref.workflowName, ref.executionId);
  }

  /**
   * The record of an execution; for a run that has not recorded itself (no worker ran it yet), one made from its
   * journal (its workflow and invocation); undefined when no run has this id. A run whose journal does not name its
   * workflow is waited for until it records itself (normally milliseconds), at most the request timeout.
   */
  async #recordOf(executionId: string): Promise<ExecutionRecord | undefined> {
    const deadline = this.#deadline();
    for (let wait = UNRECORDED_WAIT.firstMs; ; wait = nextUnrecordedWait(wait)) {
      const record = await this.#introspection.record(executionId);
      if (record) return record;
      const pending = await this.#introspection.pendingRun(executionId);
      if (!pending) return undefined;
      const { invocationId, workflowName } = pending;
      if (workflowName !== undefined) return { workflowName, invocationId, runId: '' };
      await this.#waitUnrecorded({ workflowName: '(unknown)', executionId }, deadline, wait);
    }
  }

  /**
   * Delivers through a handler of a running execution of `ref` (it waits until the run recorded itself). Without a
   * worker the handler cannot answer: after the request timeout, the record says whether the execution ended (then
   * `ExecutionEndedError`) or the delivery stays `queued` in Restate.
   */
  async #deliver<T>(ref: ExecutionRef, call: () => Promise<Checked<T> | 'timeout'>): Promise<T | 'queued'> {
    const deadline = this.#deadline();
    for (let wait = UNRECORDED_WAIT.firstMs; ; wait = nextUnrecordedWait(wait)) {
      const called = await call();
      const answer = called === 'timeout' ? await this.#answerWithoutWorker(ref) : called;
      if (answer.execution === 'found') return called === 'timeout' ? 'queued' : answer.result;
      if (answer.execution === 'ended') throw new ExecutionEndedError(ref.workflowName, ref.executionId, answer.status);
      if (answer.execution === 'other' || called === 'timeout') {
        throw new ExecutionNotFoundError(ref.workflowName, ref.executionId);
      }
      // The handler ran before the run recorded itself: an unknown id, another workflow's (status() rejects), a run
      // about to begin, or one that Restate ended before it began (cancelled while pending).
      const status = await this.status(ref);
      if (status !== 'running') throw new ExecutionEndedError(ref.workflowName, ref.executionId, status);
      await this.#waitUnrecorded(ref, deadline, wait);
    }
  }

  /** What a delivery's handler would have answered, read from the record (or the journal of a pending run). */
  async #answerWithoutWorker(ref: ExecutionRef): Promise<Checked<never>> {
    const record = await this.#recordOf(ref.executionId);
    if (!record) return { execution: 'unrecorded' };
    if (record.workflowName !== ref.workflowName) return { execution: 'other', workflowName: record.workflowName };
    if (record.ended) return { execution: 'ended', status: record.ended };
    // A run that Restate ended without its record saying so (cancelled before it began, killed, journal mismatch).
    const status = await this.status(ref);
    if (status !== 'running') return { execution: 'ended', status };
    return { execution: 'found', result: undefined as never };
  }

  #deadline(): number {
    return Date.now() + this.connections.requestTimeoutMs;
  }

  /** Waits before asking again for the record of a run that has not recorded itself; past the deadline, fails. */
  async #waitUnrecorded(ref: ExecutionRef, deadline: number, ms: number): Promise<void> {
    if (Date.now() + ms > deadline) {
      throw this.#noWorker(ref, `its run has not begun within ${this.connections.requestTimeoutMs} ms`);
    }
    await delay(ms);
  }

  /** The typed error of a call that needs a worker while none serves the endpoint. */
  #noWorker(ref: ExecutionRef, detail: string): EngineConnectionError {
    const { setting } = ingressAddress(this.connections.ingressUrl);
    return new EngineConnectionError(
      'restate',
      `DURABLE_WORKER: a worker serving the endpoint registered with ${setting}`,
      this.connections.ingressUrl,
      `no worker answered for execution '${ref.executionId}' of workflow '${ref.workflowName}': ${detail}`,
    );
  }

  async #outcomeAfterAttachError(ref: ExecutionRef, error: unknown): Promise<ExecutionOutcome> {
    const failure = ingressFailure(error);
    if (failure?.status === 404) throw new ExecutionNotFoundError(ref.workflowName, ref.executionId);
    if (failure?.source === 'invocation') {
      await this.#find(ref);
      return outcomeOfFailure(failure.code, failure.message);
    }
    if (failure || isAbort(error)) throw error;
    // The HTTP client gave up waiting for a long execution: attach again.
    if (isHttpTimeout(error)) return this.outcome(ref);
    return this.#ingress.reaching(() => Promise.reject(error));
  }

  /** The outcome of a run output, after checking that the execution is the one of `ref`. */
  #checked(ref: ExecutionRef, output: RunOutput): ExecutionOutcome {
    if (output.workflowName !== ref.workflowName) throw new ExecutionNotFoundError(ref.workflowName, ref.executionId);
    return output.outcome;
  }
}

/** Whether a request was aborted by its caller (the attach of a handle of another workflow). */
function isAbort(error: unknown): boolean {
  return error instanceof Error && error.name === 'AbortError';
}

/**
 * Whether a request ended because the HTTP client stopped waiting for its response: Node's `fetch` gives up after
 * 300 s without headers by default, and an attach to a long execution waits that long.
 */
function isHttpTimeout(error: unknown): boolean {
  const code = (error as { cause?: { code?: unknown } } | undefined)?.cause?.code;
  return code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT';
}
