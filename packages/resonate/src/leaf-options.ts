import type { Context } from '@resonatehq/sdk/async';
import { FOREVER_MS } from './promise-store.js';
import { bookkeepingRetryPolicy } from './retry-policy.js';
import { StepFailure } from './step-failure.js';

/** Options of one Resonate SDK call, as the SDK's options builder makes them (not the adapter's `ResonateOptions`). */
export type SdkCallOptions = ReturnType<Context['options']>;
/** The SDK's options builder (`resonate.options` or `ctx.options`). */
export type BuildOptions = (options: NonNullable<Parameters<Context['options']>[0]>) => SdkCallOptions;

/**
 * The options of the adapter's leaves (`ctx.run`), built once and reused, since the SDK copies options and never
 * changes them: every build parses the target as a URL, which would otherwise cost each operation.
 */
export class LeafOptions {
  readonly bookkeeping: SdkCallOptions;
  /** A step's leaf: it runs the step's attempts itself; its final failure (a `StepFailure`) is never retried. */
  readonly step: SdkCallOptions;

  constructor(build: BuildOptions, target: string) {
    this.bookkeeping = build({ retryPolicy: bookkeepingRetryPolicy(), timeout: FOREVER_MS, target });
    this.step = build({
      retryPolicy: bookkeepingRetryPolicy(),
      nonRetryableErrors: [StepFailure],
      timeout: FOREVER_MS,
      target,
    });
  }
}
