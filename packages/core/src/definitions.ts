import type { z } from 'zod';
import type { DurableContext } from './context.js';
import { ValidationError } from './errors.js';

/** What a step attempt knows about itself. */
export interface StepInfo {
  /** 1 for the first attempt, 2 for the first retry, and so on. */
  readonly attempt: number;
  /** The id of the execution that runs the step. */
  readonly executionId: string;
  readonly stepName: string;
  /**
   * Aborted when this attempt should stop: it timed out (`reason` a `TimeoutError`) or the execution was cancelled
   * (`reason` a `CancelledError`). Pass it to `fetch` and friends; whatever the attempt returns after that is discarded.
   */
  readonly signal: AbortSignal;
}

/** The body of a step: runs outside the workflow's determinism rules, may do I/O, takes and returns JSON. */
export type StepFunction<TArgs, TResult> = (args: TArgs, info: StepInfo) => Promise<TResult> | TResult;

/** A named, module-level step. Create with {@link defineStep}; run with `ctx.run(step, args)`. */
export interface StepDefinition<TName extends string = string, TArgs = unknown, TResult = unknown> {
  readonly kind: 'step';
  readonly name: TName;
  readonly fn: StepFunction<TArgs, TResult>;
}

/** The workflow body: deterministic code that reaches the outside world only through `ctx`. */
export type WorkflowFunction<TIn, TOut> = (ctx: DurableContext, input: TIn) => Promise<TOut>;

/**
 * A named workflow. Create with {@link defineWorkflow}. `TIn` is what `run` receives; `TStart` is what `start`
 * accepts (they differ when the input schema has defaults or transforms).
 */
export interface WorkflowDefinition<TName extends string = string, TIn = unknown, TOut = unknown, TStart = TIn> {
  readonly kind: 'workflow';
  readonly name: TName;
  /** Checked before anything is persisted; an invalid input is rejected with a {@link ValidationError}. */
  readonly input?: z.ZodType<TIn, TStart> | undefined;
  /** Checked when the workflow returns; a mismatch fails the execution with a {@link ValidationError}. */
  readonly output?: z.ZodType<TOut> | undefined;
  readonly run: WorkflowFunction<TIn, TOut>;
  /** Type-level only (never set): the input `start` accepts and the output `result` returns. */
  readonly '~types'?: { readonly start: TStart; readonly output: TOut };
}

// biome-ignore lint/suspicious/noExplicitAny: the widest workflow type, used only as a constraint.
export type AnyWorkflow = WorkflowDefinition<string, any, any, any>;
// biome-ignore lint/suspicious/noExplicitAny: the widest step type, used only as a constraint.
export type AnyStep = StepDefinition<string, any, any>;

/** The input `start` accepts for a workflow definition (the input schema's input type). */
export type InputOf<W extends AnyWorkflow> = NonNullable<W['~types']>['start'];
/** The output type of a workflow definition. */
export type OutputOf<W extends AnyWorkflow> = NonNullable<W['~types']>['output'];

const NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_-]{0,99}$/;

/**
 * Defines a step: a named function whose result is recorded once per execution.
 * Define steps at module level: every worker process must be able to find a step by its name.
 * @param name unique among the steps of an application; letters, digits, `_` and `-`, starting with a letter.
 * @example
 * export const chargeCard = defineStep('chargeCard', async (args: { cents: number }, info) => {
 *   return { chargeId: `ch-${info.executionId}` };
 * });
 */
export function defineStep<const TName extends string, TArgs, TResult>(
  name: TName,
  fn: StepFunction<TArgs, TResult>,
): StepDefinition<TName, TArgs, Awaited<TResult>> {
  assertName(name, 'step');
  if (typeof fn !== 'function') {
    throw new ValidationError(`Step '${name}' needs a function as its second argument`, [
      { path: 'fn', message: 'not a function' },
    ]);
  }
  return Object.freeze({ kind: 'step', name, fn: fn as StepFunction<TArgs, Awaited<TResult>> });
}

/**
 * Defines a workflow. Its `run` function must be deterministic: time, randomness and I/O go through `ctx`.
 * @example
 * export const greet = defineWorkflow({
 *   name: 'greet',
 *   input: z.object({ name: z.string() }),
 *   async run(ctx, input) {
 *     return ctx.run(makeGreeting, input);
 *   },
 * });
 */
export function defineWorkflow<const TName extends string, TIn, TOut, TStart = TIn>(definition: {
  name: TName;
  input?: z.ZodType<TIn, TStart>;
  output?: z.ZodType<TOut>;
  run: WorkflowFunction<TIn, TOut>;
}): WorkflowDefinition<TName, TIn, TOut, TStart> {
  assertName(definition.name, 'workflow');
  if (typeof definition.run !== 'function') {
    throw new ValidationError(`Workflow '${definition.name}' needs a run(ctx, input) function`, [
      { path: 'run', message: 'not a function' },
    ]);
  }
  return Object.freeze({
    kind: 'workflow',
    name: definition.name,
    input: definition.input,
    output: definition.output,
    run: definition.run,
  });
}

export function isWorkflowDefinition(value: unknown): value is AnyWorkflow {
  return typeof value === 'object' && value !== null && (value as AnyWorkflow).kind === 'workflow';
}

export function isStepDefinition(value: unknown): value is AnyStep {
  return typeof value === 'object' && value !== null && (value as AnyStep).kind === 'step';
}

function assertName(name: unknown, what: 'step' | 'workflow'): void {
  if (typeof name !== 'string' || !NAME_PATTERN.test(name)) {
    throw new ValidationError(
      `Invalid ${what} name ${JSON.stringify(name)}: use 1-100 letters, digits, '_' or '-', starting with a letter`,
      [{ path: 'name', message: 'invalid name' }],
    );
  }
}
