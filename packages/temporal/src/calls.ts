import { EngineConnectionError, RuntimeClosedError } from '@durable-runtime/core';
import type { Client } from '@temporalio/client';

/** How long one client call may take (rule 17): it answers, is accepted durably or fails typed within this. */
export const REQUEST_TIMEOUT_MS = 9_000;

/** How long after the gRPC deadline the call's own timer gives up. */
const BACKSTOP_MS = 1_000;

/** gRPC status codes (numeric: `@grpc/grpc-js` is not a dependency of this package). */
const GRPC = { CANCELLED: 1, DEADLINE_EXCEEDED: 4, NOT_FOUND: 5, UNAVAILABLE: 14 } as const;

/**
 * How the engine client talks to the frontend: every call is bounded by {@link REQUEST_TIMEOUT_MS} (waits for an
 * outcome excepted), and aborted when the runtime closes, so that a pending call rejects with core's
 * `RuntimeClosedError` instead of failing on a shut-down channel. An unreachable frontend is core's
 * `EngineConnectionError` naming the address setting.
 */
export class Calls {
  readonly #abort = new AbortController();

  constructor(
    private readonly client: Client,
    private readonly address: string,
  ) {}

  get closed(): boolean {
    return this.#abort.signal.aborted;
  }

  /**
   * A call that answers at once: bounded by the request timeout as a gRPC deadline (whose expiry callers map to
   * their own typed errors), and by a timer of its own just after it (the deadline alone let a call to a stopped
   * server take seconds longer on a loaded machine).
   */
  short<T>(work: () => Promise<T>): Promise<T> {
    const deadline = () => this.client.withDeadline(Date.now() + REQUEST_TIMEOUT_MS, work);
    return this.#guard(deadline, REQUEST_TIMEOUT_MS + BACKSTOP_MS);
  }

  /** A wait (an execution's outcome): not bounded, but ended by close(). */
  long<T>(work: () => Promise<T>): Promise<T> {
    return this.#guard(work);
  }

  /** Rejects every pending call with `RuntimeClosedError`. */
  close(): void {
    this.#abort.abort(new RuntimeClosedError('temporal'));
  }

  async #guard<T>(work: () => Promise<T>, timeoutMs?: number): Promise<T> {
    if (this.closed) throw new RuntimeClosedError('temporal');
    const timeout = timeoutMs === undefined ? undefined : AbortSignal.timeout(timeoutMs);
    const signal = timeout ? AbortSignal.any([this.#abort.signal, timeout]) : this.#abort.signal;
    try {
      return await this.client.withAbortSignal(signal, work);
    } catch (error) {
      if (this.closed) throw new RuntimeClosedError('temporal');
      if (timeout?.aborted) throw this.connectionError(new Error(`no answer within ${timeoutMs} ms`));
      const code = grpcCode(error);
      if (code === GRPC.UNAVAILABLE || code === GRPC.DEADLINE_EXCEEDED) throw this.connectionError(error);
      throw error;
    }
  }

  connectionError(error: unknown): EngineConnectionError {
    return new EngineConnectionError('temporal', 'address (TEMPORAL_ADDRESS)', this.address, messageOf(error));
  }
}

/** The gRPC status code of an error of the client, looking through its wrappers. */
export function grpcCode(error: unknown): number | undefined {
  for (let cause = error, depth = 0; cause && depth < 5; depth++) {
    const code = (cause as { code?: unknown }).code;
    if (typeof code === 'number') return code;
    cause = (cause as { cause?: unknown }).cause;
  }
  return undefined;
}

export function isGrpcDeadline(error: unknown): boolean {
  return grpcCode(error) === GRPC.DEADLINE_EXCEEDED;
}

export function isGrpcNotFound(error: unknown): boolean {
  return grpcCode(error) === GRPC.NOT_FOUND;
}

/** The messages of an error and its causes ("Failed to start Workflow: 14 UNAVAILABLE: ..."). */
function messageOf(error: unknown): string {
  const messages: string[] = [];
  for (let cause = error, depth = 0; cause && depth < 5; depth++) {
    messages.push(cause instanceof Error ? cause.message : String(cause));
    cause = cause instanceof Error ? (cause as { cause?: unknown }).cause : undefined;
  }
  return messages.join(': ');
}
