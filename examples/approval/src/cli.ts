import {
  type Duration,
  ExecutionEndedError,
  ExecutionNotFoundError,
  parseDuration,
  type Runtime,
} from '@durable-runtime/core';
import { type ApprovalStatus, approval, approvalDesk, DESK_CHANNEL, type PendingApproval } from './approval.js';

/** Where the CLI acts: a runtime on the configured engine, the desk's execution id, and who is at the keyboard. */
export interface Cli {
  readonly runtime: Runtime;
  readonly desk: string;
  readonly user: string;
  readonly log: (line: string) => void;
}

/** Starts the desk (or attaches to it: the id is the idempotency key). */
export async function openDesk(cli: Cli): Promise<void> {
  await cli.runtime.start(approvalDesk, {}, { id: cli.desk });
}

/** Files a refund request; returns its execution id. */
export async function requestApproval(
  cli: Cli,
  request: { title: string; amountCents: number; timeoutMs: number; id?: string },
): Promise<string> {
  const id = request.id ?? `refund-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e4)}`;
  const { title, amountCents, timeoutMs } = request;
  await cli.runtime.start(approval, { desk: cli.desk, title, amountCents, timeoutMs, requestedBy: cli.user }, { id });
  return id;
}

/** The open requests, as the desk's state lists them. */
export async function listPending(cli: Cli): Promise<PendingApproval[]> {
  return (await cli.runtime.handle(approvalDesk, cli.desk).getState<PendingApproval[]>('pending')) ?? [];
}

/**
 * Approves or rejects a request. A request that is no longer pending is left alone (and a decision that races with
 * another one or with the deadline loses: the first resolution of a durable promise wins).
 * @returns the request's status before the decision
 * @throws ExecutionNotFoundError for an unknown id
 */
export async function decide(cli: Cli, id: string, approved: boolean, note = ''): Promise<ApprovalStatus> {
  const handle = cli.runtime.handle(approval, id);
  const status = (await handle.getState<ApprovalStatus>('status')) ?? 'pending';
  if (status !== 'pending') return status;
  try {
    await handle.resolvePromise('decision', { approved, by: cli.user, note });
    return status;
  } catch (error) {
    // It ended between the read and the decision (its deadline passed): say how.
    if (!ExecutionEndedError.is(error)) throw error;
    return (await handle.getState<ApprovalStatus>('status')) ?? 'expired';
  }
}

/** Ends the desk's execution (its list is kept in its state). */
export async function closeDesk(cli: Cli): Promise<void> {
  await cli.runtime.handle(approvalDesk, cli.desk).send(DESK_CHANNEL, { type: 'shutdown' });
}

export const USAGE = `commands:
  request <amount> <title...> [--timeout 1h]   file a refund request (amount in euros)
  list                                         list pending requests
  show <id>                                    show a request's state
  approve <id> [note...]                       approve a pending request
  reject <id> [note...]                        reject a pending request`;

/**
 * Runs one CLI command (`argv` without the program name) and prints its outcome with `cli.log`.
 * @returns the exit code: 0, or 1 for a usage error or an unknown request
 */
export async function runCommand(cli: Cli, argv: readonly string[]): Promise<number> {
  const [command, ...args] = argv;
  try {
    switch (command) {
      case 'request':
        return await requestCommand(cli, args);
      case 'list':
        return await listCommand(cli);
      case 'show':
        return await showCommand(cli, args);
      case 'approve':
      case 'reject':
        return await decideCommand(cli, command, args);
      default:
        cli.log(USAGE);
        return 1;
    }
  } catch (error) {
    if (!ExecutionNotFoundError.is(error)) throw error;
    cli.log(`no such execution: ${error.executionId} (${error.workflowName})`);
    return 1;
  }
}

async function requestCommand(cli: Cli, args: readonly string[]): Promise<number> {
  const words = [...args];
  const flag = words.indexOf('--timeout');
  const timeout = flag >= 0 ? words.splice(flag, 2)[1] : '1h';
  const [amount, ...title] = words;
  const amountCents = Math.round(Number(amount) * 100);
  const timeoutMs = parseTimeout(timeout);
  if (!Number.isInteger(amountCents) || amountCents <= 0 || title.length === 0 || timeoutMs === undefined) {
    cli.log('usage: request <amount> <title...> [--timeout 30s|15m|1h|2d]');
    return 1;
  }
  await openDesk(cli);
  const id = await requestApproval(cli, { title: title.join(' '), amountCents, timeoutMs });
  cli.log(`requested ${id}: ${title.join(' ')} (${euros(amountCents)}), decide within ${timeout}`);
  if (!(await listed(cli, id))) cli.log(`(${id} is not on the desk yet: is a worker running?)`);
  return 0;
}

/** Waits a little for a new request to register with the desk (it does so by message, once a worker runs it). */
async function listed(cli: Cli, id: string, timeoutMs = 10_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await listPending(cli)).some((request) => request.id === id)) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}

async function listCommand(cli: Cli): Promise<number> {
  const pending = await listPending(cli);
  cli.log(`${pending.length} pending`);
  for (const request of pending) {
    const left = `expires in ${timeLeft(request.deadline - Date.now())}`;
    cli.log(`  ${request.id}  ${euros(request.amountCents)}  ${request.title}  (by ${request.requestedBy}, ${left})`);
  }
  return 0;
}

async function showCommand(cli: Cli, [id]: readonly string[]): Promise<number> {
  if (!id) return usage(cli, 'show <id>');
  cli.log(JSON.stringify(await cli.runtime.handle(approval, id).getState()));
  return 0;
}

async function decideCommand(cli: Cli, command: 'approve' | 'reject', [id, ...note]: readonly string[]) {
  if (!id) return usage(cli, `${command} <id> [note...]`);
  const before = await decide(cli, id, command === 'approve', note.join(' '));
  const done = command === 'approve' ? 'approved' : 'rejected';
  cli.log(before === 'pending' ? `${id}: ${done} by ${cli.user}` : `${id} is already ${before}: nothing to do`);
  return 0;
}

function usage(cli: Cli, line: string): number {
  cli.log(`usage: ${line}`);
  return 1;
}

function parseTimeout(text: string | undefined): number | undefined {
  try {
    return text ? parseDuration(text as Duration, '--timeout') : undefined;
  } catch {
    return undefined;
  }
}

function timeLeft(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1_000));
  return seconds < 120 ? `${seconds} s` : `${Math.round(seconds / 60)} min`;
}

function euros(cents: number): string {
  return `EUR ${(cents / 100).toFixed(2)}`;
}
