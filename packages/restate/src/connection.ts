import { EngineConnectionError } from '@durable-runtime/core';

/** Where a request goes: the address, and the setting that chose it (named in connection errors). */
export interface EngineAddress {
  readonly setting: string;
  readonly address: string;
}

export const ingressAddress = (address: string): EngineAddress => ({
  setting: 'ingressUrl (RESTATE_INGRESS_URL)',
  address,
});

export const adminAddress = (address: string): EngineAddress => ({ setting: 'adminUrl (RESTATE_ADMIN_URL)', address });

/**
 * `call`, with a failure to reach the server (`fetch failed`: refused, reset, unknown host) or a request that got no
 * answer within its time limit turned into an {@link EngineConnectionError} naming the setting and the address.
 * Answers of the server (HTTP errors) pass through unchanged.
 */
export function reaching<T>(to: EngineAddress, call: () => Promise<T>): Promise<T> {
  return call().catch((error: unknown) => {
    const detail = connectionFailure(error);
    if (detail === undefined) throw error;
    throw new EngineConnectionError('restate', to.setting, to.address, detail);
  });
}

/** What went wrong when `error` is a connection failure or a request timeout; undefined for anything else. */
export function connectionFailure(error: unknown): string | undefined {
  if (isTimeout(error)) return 'no answer within the request timeout';
  if (!(error instanceof TypeError) || error.message !== 'fetch failed') return undefined;
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  const code = typeof cause?.code === 'string' ? cause.code : undefined;
  const message = typeof cause?.message === 'string' ? cause.message : 'fetch failed';
  return code && !message.includes(code) ? `${code}: ${message}` : message;
}

/** Whether a request was aborted by its `AbortSignal.timeout`. */
export function isTimeout(error: unknown): boolean {
  return error instanceof Error && error.name === 'TimeoutError' && !('code' in error && error.code === 'TIMEOUT');
}
