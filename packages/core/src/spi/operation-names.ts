import { NonDeterminismError } from '../errors.js';
import type { ExecutionRef } from './engine.js';

/**
 * The kinds of operation a replay check names. `cancel` is the cancellation of a child an adapter records; `end` is
 * no operation but the end of the execution, named when a replay stops short of the recorded operations.
 */
export type OperationKind =
  | 'step'
  | 'sleep'
  | 'promise'
  | 'receive'
  | 'state.get'
  | 'state.set'
  | 'state.delete'
  | 'send'
  | 'call'
  | 'start'
  | 'cancel'
  | 'now'
  | 'random'
  | 'uuid'
  | 'end';

/**
 * The canonical name of an operation: `kind:detail`, or the kind alone without a detail.
 * @example operationName('step', 'charge') // 'step:charge'
 * @example operationName('send', targetName(order, 'approve')) // 'send:order/o-1#approve'
 * @example operationName('sleep') // 'sleep'
 */
export function operationName(kind: OperationKind, detail = ''): string {
  return detail ? `${kind}:${detail}` : kind;
}

/** The detail naming another execution (`<workflow>/<id>`), with `#<channel>` for a message sent to it. */
export function targetName(target: ExecutionRef, channel?: string): string {
  const ref = `${target.workflowName}/${target.executionId}`;
  return channel === undefined ? ref : `${ref}#${channel}`;
}

/** Where a replay left the recorded path, for {@link divergenceError}. */
export interface Divergence {
  readonly executionId: string;
  readonly workflowName?: string;
  /** The operation's position in the execution (0 first), when known. */
  readonly position?: number;
  /** What the history has there: an operation's name, or a description of something that is none. */
  readonly recorded: string | { readonly description: string };
  /** The name of the operation the workflow runs now. */
  readonly running: string;
}

/**
 * The error of a replay that diverged from the history, in one wording for the adapters that check replays themselves.
 * @example
 * divergenceError({ executionId: 'o-1', workflowName: 'order', position: 2, recorded: 'step:charge', running: 'uuid' })
 * // Replay of execution 'o-1' of workflow 'order' diverged at operation #2: the history recorded 'step:charge',
 * // the workflow now runs 'uuid'
 */
export function divergenceError(divergence: Divergence): NonDeterminismError {
  const { executionId, workflowName, position, recorded, running } = divergence;
  const workflow = workflowName === undefined ? '' : ` of workflow '${workflowName}'`;
  const at = position === undefined ? '' : ` at operation #${position}`;
  const found = typeof recorded === 'string' ? `'${recorded}'` : recorded.description;
  return new NonDeterminismError(
    `Replay of execution '${executionId}'${workflow} diverged${at}: the history recorded ${found}, ` +
      `the workflow now runs '${running}'`,
  );
}
