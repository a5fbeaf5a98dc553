import { connect, HttpCallError, type Ingress, rpc } from '@restatedev/restate-sdk-clients';
import { type EngineAddress, ingressAddress, isTimeout, reaching } from './connection.js';
import { parseRestateError } from './failures.js';
import {
  type Checked,
  type RunInput,
  type RunOutput,
  type SendInput,
  type ServiceNames,
  type SettleInput,
  WORKFLOW_HEADER,
} from './protocol.js';
import type { RestateServices } from './services.js';

/** A failed ingress request: the HTTP status and, when Restate sent one, its error body. */
export interface IngressFailure {
  readonly status: number;
  readonly code: number;
  readonly message: string;
  /** `invocation`: the invocation itself failed; `ingress`: the request did (e.g. unknown invocation). */
  readonly source: string | undefined;
}

/**
 * The adapter's calls through the Restate ingress, on `@restatedev/restate-sdk-clients`. Every request but `attach`
 * gives up after `requestTimeoutMs`. Submissions and outputs need no worker (the server answers them); handler calls
 * (`settle`, `send`) wait for the endpoint. An unreachable server or a request without an answer is an
 * `EngineConnectionError` naming `ingressUrl`.
 */
export class IngressClient {
  readonly #ingress: Ingress;
  readonly #address: EngineAddress;

  constructor(
    url: string,
    private readonly names: ServiceNames,
    private readonly requestTimeoutMs: number,
  ) {
    this.#ingress = connect({ url });
    this.#address = ingressAddress(url);
  }

  /** Submits the run (accepted durably, no worker needed); `created` false when a run with this id existed. */
  async submit(executionId: string, input: RunInput): Promise<{ created: boolean }> {
    const submission = await reaching(this.#address, () =>
      this.#workflow(executionId).workflowSubmit(
        input,
        rpc.sendOpts({
          timeout: this.requestTimeoutMs,
          headers: { [WORKFLOW_HEADER]: encodeURIComponent(input.workflowName) },
        }),
      ),
    );
    return { created: submission.status === 'Accepted' };
  }

  /** Calls the workflow's `settle` handler; `timeout` when no worker answered within the request timeout. */
  settle(executionId: string, input: SettleInput): Promise<Checked<{ settled: boolean }> | 'timeout'> {
    return this.#handlerCall(
      () => this.#workflow(executionId).settle(input, this.#opts()) as Promise<Checked<{ settled: boolean }>>,
    );
  }

  /** Calls the mailbox's `send` handler; `timeout` when no worker answered within the request timeout. */
  send(executionId: string, input: SendInput): Promise<Checked<null> | 'timeout'> {
    return this.#handlerCall(
      () =>
        this.#ingress
          .objectClient({ name: this.names.mailbox } as RestateServices['mailbox'], executionId)
          .send(input, this.#opts()) as Promise<Checked<null>>,
    );
  }

  /**
   * Waits for the run's output (no worker needed once it ended), as long as the HTTP client lets a request wait (see
   * `isHttpTimeout`): no time limit of its own.
   */
  attach(executionId: string, signal: AbortSignal): Promise<RunOutput> {
    return this.#workflow(executionId).workflowAttach(rpc.opts({ signal }));
  }

  /** The run's output, or undefined while it runs (no worker needed). */
  async output(executionId: string): Promise<RunOutput | undefined> {
    const output = await reaching(this.#address, () =>
      this.#workflow(executionId).workflowOutput(rpc.opts({ timeout: this.requestTimeoutMs })),
    );
    return output.ready ? output.result : undefined;
  }

  /** Maps a failure to reach the ingress to an `EngineConnectionError` (for the calls without a time limit). */
  reaching<T>(call: () => Promise<T>): Promise<T> {
    return reaching(this.#address, call);
  }

  /** Whether a run has this id (running or ended), without creating anything. */
  async runExists(executionId: string): Promise<boolean> {
    try {
      await this.output(executionId);
      return true;
    } catch (error) {
      const failure = ingressFailure(error);
      if (failure?.source === 'invocation') return true; // it ended with a Restate failure
      if (failure?.status === 404) return false;
      throw error;
    }
  }

  #handlerCall<T>(call: () => Promise<T>): Promise<T | 'timeout'> {
    return reaching(this.#address, () =>
      call().catch((error: unknown) => {
        if (isTimeout(error)) return 'timeout' as const;
        throw error;
      }),
    );
  }

  #opts<I, O>() {
    return rpc.opts<I, O>({ timeout: this.requestTimeoutMs });
  }

  #workflow(executionId: string) {
    return this.#ingress.workflowClient({ name: this.names.workflow } as RestateServices['workflow'], executionId);
  }
}

/** The failure of an ingress request, or undefined for anything else (network errors, timeouts...). */
export function ingressFailure(error: unknown): IngressFailure | undefined {
  if (!(error instanceof HttpCallError)) return undefined;
  const body = parseRestateError(error.responseText);
  return {
    status: error.status,
    code: body?.code ?? error.status,
    message: body?.message ?? error.responseText,
    source: body?.source,
  };
}
