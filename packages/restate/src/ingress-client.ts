import type { ExecutionOutcome } from '@durable-runtime/core/spi';
import { connect, HttpCallError, type Ingress, rpc } from '@restatedev/restate-sdk-clients';
import { parseRestateError } from './failures.js';
import type {
  ExecutionInfo,
  RunOutput,
  SendInput,
  SendResult,
  SettleInput,
  StartInput,
  StartResult,
  StateInput,
  StateResult,
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

/** The adapter's calls through the Restate ingress, on `@restatedev/restate-sdk-clients`. */
export class IngressClient {
  readonly #ingress: Ingress;

  constructor(
    url: string,
    private readonly services: RestateServices,
  ) {
    this.#ingress = connect({ url });
  }

  start(executionId: string, input: StartInput): Promise<StartResult> {
    return this.#execution(executionId).start(input) as Promise<StartResult>;
  }

  info(executionId: string): Promise<ExecutionInfo | null> {
    return this.#execution(executionId).info() as Promise<ExecutionInfo | null>;
  }

  send(executionId: string, input: SendInput): Promise<SendResult> {
    return this.#execution(executionId).send(input) as Promise<SendResult>;
  }

  finished(executionId: string, outcome: ExecutionOutcome): Promise<void> {
    return this.#execution(executionId).finished(outcome) as Promise<void>;
  }

  settle(executionId: string, input: SettleInput): Promise<{ settled: boolean }> {
    return this.#workflow(executionId).settle(input) as Promise<{ settled: boolean }>;
  }

  state(executionId: string, input: StateInput): Promise<StateResult> {
    return this.#workflow(executionId).state(input) as Promise<StateResult>;
  }

  /** Waits up to `timeoutMs` for the run's output. */
  attach(executionId: string, timeoutMs: number): Promise<RunOutput> {
    return this.#workflow(executionId).workflowAttach(rpc.opts({ timeout: timeoutMs }));
  }

  /** The run's output, or undefined while it runs. */
  async output(executionId: string): Promise<RunOutput | undefined> {
    const output = await this.#workflow(executionId).workflowOutput();
    return output.ready ? output.result : undefined;
  }

  #execution(executionId: string) {
    return this.#ingress.objectClient(this.services.execution, executionId);
  }

  #workflow(executionId: string) {
    return this.#ingress.workflowClient(this.services.workflow, executionId);
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
