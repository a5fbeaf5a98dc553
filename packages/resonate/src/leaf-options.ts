import { DEFAULT_RETRY_POLICY, type ResolvedRetryPolicy } from '@durable-runtime/core';
import type { Context } from '@resonatehq/sdk/async';
import { FOREVER_MS } from './promise-store.js';
import { bookkeepingRetryPolicy, StepRetryPolicy } from './retry-policy.js';
import { StepFailure } from './step-failure.js';

/** Options of a Resonate call, as the SDK's options builder makes them. */
export type ResonateOptions = ReturnType<Context['options']>;
/** The SDK's options builder (`resonate.options` or `ctx.options`). */
export type BuildOptions = (options: NonNullable<Parameters<Context['options']>[0]>) => ResonateOptions;

/**
 * The options of the adapter's leaves (`ctx.run`), built once per kind and reused, since the SDK copies options and
 * never changes them: every build parses the target as a URL, which would otherwise cost each operation.
 */
export class LeafOptions {
  readonly #steps = new Map<string, ResonateOptions>();
  readonly bookkeeping: ResonateOptions;
  /** The options of steps with the default policy (core passes the same object for every such step). */
  readonly #defaultStep: ResonateOptions;

  constructor(
    private readonly build: BuildOptions,
    private readonly target: string,
  ) {
    this.bookkeeping = build({ retryPolicy: bookkeepingRetryPolicy(), timeout: FOREVER_MS, target });
    this.#defaultStep = this.step(DEFAULT_RETRY_POLICY);
  }

  /** A step's options: its retry policy, mapped exactly; its final failure is never retried. */
  step(policy: ResolvedRetryPolicy): ResonateOptions {
    if (policy === DEFAULT_RETRY_POLICY && this.#defaultStep) return this.#defaultStep;
    const key = JSON.stringify(policy);
    let options = this.#steps.get(key);
    if (!options) {
      options = this.build({
        retryPolicy: new StepRetryPolicy(policy),
        nonRetryableErrors: [StepFailure],
        timeout: FOREVER_MS,
        target: this.target,
      });
      this.#steps.set(key, options);
    }
    return options;
  }
}
