import { connect, HttpCallError, type Ingress } from '@restatedev/restate-sdk-clients';
import { parseRestateError } from './failures.js';
import type {
  Checked,
  ExecutionRecord,
  RunInput,
  RunOutput,
  SendInput,
  ServiceNames,
  SettleInput,
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
    private readonly names: ServiceNames,
  ) {
    this.#ingress = connect({ url });
  }

  /** Submits the run; `created` false when a run with this id existed already. */
  async submit(executionId: string, input: RunInput): Promise<{ created: boolean }> {
    const submission = await this.#workflow(executionId).workflowSubmit(input);
    return { created: submission.status === 'Accepted' };
  }

  /** The execution's record, null while its run has not recorded itself (or for an unknown id). */
  describe(executionId: string): Promise<ExecutionRecord | null> {
    return this.#workflow(executionId).describe() as Promise<ExecutionRecord | null>;
  }

  settle(executionId: string, input: SettleInput): Promise<Checked<{ settled: boolean }>> {
    return this.#workflow(executionId).settle(input) as Promise<Checked<{ settled: boolean }>>;
  }

  state(executionId: string, input: StateInput): Promise<Checked<StateResult>> {
    return this.#workflow(executionId).state(input) as Promise<Checked<StateResult>>;
  }

  send(executionId: string, input: SendInput): Promise<Checked<null>> {
    return this.#ingress
      .objectClient({ name: this.names.mailbox } as RestateServices['mailbox'], executionId)
      .send(input) as Promise<Checked<null>>;
  }

  /** Waits for the run's output, as long as the HTTP client lets a request wait (see `isHttpTimeout`). */
  attach(executionId: string): Promise<RunOutput> {
    return this.#workflow(executionId).workflowAttach();
  }

  /** The run's output, or undefined while it runs. */
  async output(executionId: string): Promise<RunOutput | undefined> {
    const output = await this.#workflow(executionId).workflowOutput();
    return output.ready ? output.result : undefined;
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
