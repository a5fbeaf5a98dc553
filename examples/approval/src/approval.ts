import { type DurableContext, defineStep, defineWorkflow } from '@durable-runtime/core';
import { z } from 'zod';

/** What a person decides. Delivered with `handle.resolvePromise('decision', decision)`. */
export const Decision = z.object({
  approved: z.boolean(),
  by: z.string().min(1),
  note: z.string().default(''),
});
export type Decision = z.infer<typeof Decision>;

/** A request as the desk lists it. */
export interface PendingApproval {
  readonly id: string;
  readonly title: string;
  readonly amountCents: number;
  readonly requestedBy: string;
  /** Epoch milliseconds after which the request expires. */
  readonly deadline: number;
}

export type ApprovalStatus = 'pending' | 'approved' | 'rejected' | 'expired';

/** The desk's mailbox: requests announce themselves when they open and when they close. */
export type DeskEvent =
  | { type: 'opened'; request: PendingApproval }
  | { type: 'closed'; id: string; status: ApprovalStatus }
  | { type: 'shutdown' };

export const DESK_CHANNEL = 'events';

/** Pays the refund once approved (a stand-in for the payment provider). Recorded once, whatever happens after. */
export const issueRefund = defineStep('issueRefund', (args: { requestId: string; amountCents: number }) => ({
  refundId: `rf_${args.requestId}`,
  amountCents: args.amountCents,
}));

/** Reminds the desk that a request is waiting (a stand-in for a chat message). */
export const remindApprovers = defineStep('remindApprovers', (args: { requestId: string; title: string }) => ({
  sent: `reminder: ${args.requestId} (${args.title}) is waiting for a decision`,
}));

/** Tells the requester how it went (a stand-in for e-mail). */
export const notifyRequester = defineStep(
  'notifyRequester',
  (args: { to: string; requestId: string; status: ApprovalStatus; note: string }) => ({
    sent: `to ${args.to}: request ${args.requestId} ${args.status}${args.note ? ` (${args.note})` : ''}`,
  }),
);

/**
 * The desk: a long-running execution that keeps the list of open requests in its state (`pending`), so anyone can
 * list them from outside with `handle.getState('pending')`. Requests tell it when they open and close.
 */
export const approvalDesk = defineWorkflow({
  name: 'approvalDesk',
  async run(ctx, _input: Record<string, never>) {
    const pending: PendingApproval[] = [];
    const closed: Record<string, number> = {};
    await ctx.state.set('pending', pending);
    for (;;) {
      const event = await ctx.receive<DeskEvent>(DESK_CHANNEL);
      if (event.type === 'shutdown') return { open: pending.length, closed };
      if (event.type === 'opened') pending.push(event.request);
      if (event.type === 'closed') {
        const index = pending.findIndex((request) => request.id === event.id);
        if (index >= 0) pending.splice(index, 1);
        closed[event.status] = (closed[event.status] ?? 0) + 1;
        await ctx.state.set('closed', closed);
      }
      await ctx.state.set('pending', pending);
    }
  },
});

export const ApprovalInput = z.object({
  /** The id of the desk execution that lists open requests. */
  desk: z.string().min(1),
  title: z.string().min(1),
  amountCents: z.number().int().positive(),
  requestedBy: z.string().min(1),
  /** How long a person has to decide before the request expires. */
  timeoutMs: z.number().int().positive(),
});

export interface ApprovalResult {
  status: Exclude<ApprovalStatus, 'pending'>;
  decidedBy: string;
  note: string;
  refundId?: string;
}

/**
 * One refund request waiting for a person: it registers with the desk, waits on the durable promise `decision`
 * (resolved from outside, by the CLI), and refunds when approved. The decision races two durable timers: halfway to
 * the deadline the approvers get a reminder, and at the deadline the request expires. The state `status`,
 * `request`, `reminded` and `decision` are readable from outside at any time.
 */
export const approval = defineWorkflow({
  name: 'approval',
  input: ApprovalInput,
  async run(ctx, input): Promise<ApprovalResult> {
    const request: PendingApproval = {
      id: ctx.executionId,
      title: input.title,
      amountCents: input.amountCents,
      requestedBy: input.requestedBy,
      deadline: (await ctx.now()).getTime() + input.timeoutMs,
    };
    await ctx.state.set('request', request);
    await ctx.state.set('status', 'pending');
    await ctx.send({ workflow: approvalDesk, id: input.desk }, DESK_CHANNEL, { type: 'opened', request });

    const decided = await decisionBefore(ctx, request, input.timeoutMs);
    const decision = decided ?? { approved: false, by: 'deadline', note: 'no decision in time' };
    const status: ApprovalResult['status'] = decided ? (decided.approved ? 'approved' : 'rejected') : 'expired';
    await ctx.state.set('decision', decision);

    const result: ApprovalResult = { status, decidedBy: decision.by, note: decision.note };
    if (status === 'approved') {
      result.refundId = (
        await ctx.run(issueRefund, { requestId: request.id, amountCents: request.amountCents })
      ).refundId;
    }
    await ctx.run(notifyRequester, { to: request.requestedBy, requestId: request.id, status, note: decision.note });
    await ctx.state.set('status', status);
    await ctx.send({ workflow: approvalDesk, id: input.desk }, DESK_CHANNEL, {
      type: 'closed',
      id: request.id,
      status,
    });
    return result;
  },
});

/**
 * The decision, or `undefined` when the deadline passed first: `Promise.race` of the durable promise against a
 * reminder timer (halfway), then against the deadline timer. The losing timer is abandoned, not awaited.
 */
async function decisionBefore(
  ctx: DurableContext,
  request: PendingApproval,
  timeoutMs: number,
): Promise<Decision | undefined> {
  const decision = ctx.promise<unknown>('decision').then((value) => Decision.parse(value));
  const halfway = Math.floor(timeoutMs / 2);
  const early = await Promise.race([decision, ctx.sleep(halfway).then(() => REMIND)]);
  if (early !== REMIND) return early;
  await ctx.run(remindApprovers, { requestId: request.id, title: request.title });
  await ctx.state.set('reminded', true);
  return Promise.race([decision, ctx.sleep(timeoutMs - halfway).then(() => undefined)]);
}

const REMIND = 'remind' as const;

export const registry = {
  workflows: [approval, approvalDesk],
  steps: [issueRefund, notifyRequester, remindApprovers],
};
