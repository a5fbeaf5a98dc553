import { defineStep, defineWorkflow, TerminalError, WorkflowFailedError } from '@durable-runtime/core';
import { z } from 'zod';

/** Stand-ins for the suppliers' price APIs (no network): each behaves in its own way. */
const SUPPLIERS: Record<string, (sku: string, attempt: number) => number> = {
  acme: (sku) => 1_250 + sku.length,
  globex: (sku) => 1_175 + sku.length,
  initech: (sku, attempt) => {
    if (attempt === 1) throw new Error('initech timed out (504)'); // transient: the retry gets through
    return 1_090 + sku.length;
  },
  umbrella: (sku) => {
    throw new TerminalError(`umbrella discontinued ${sku}`); // final: never retried
  },
  hooli: () => {
    throw new Error('hooli is down (502)'); // every attempt fails: the retries run out
  },
};

/** How many quote requests are in flight in this process, and the most there were at once. */
const inFlight = { now: 0, max: 0 };

/** The most quote requests this process had in flight at once since the last call (then starts counting again). */
export function takeMaxConcurrency(): number {
  const { max } = inFlight;
  inFlight.max = inFlight.now;
  return max;
}

/** Asks one supplier for a price (each supplier's API takes about 300 ms to answer). */
export const fetchQuote = defineStep('fetchQuote', async (args: { supplier: string; sku: string }, info) => {
  const quote = SUPPLIERS[args.supplier];
  if (!quote) throw new TerminalError(`unknown supplier ${args.supplier}`);
  inFlight.max = Math.max(inFlight.max, ++inFlight.now);
  try {
    await new Promise((resolve) => setTimeout(resolve, 300));
    return { supplier: args.supplier, priceCents: quote(args.sku, info.attempt), attempts: info.attempt };
  } finally {
    inFlight.now--;
  }
});

/** One branch of the fan-out: a child execution per supplier, with its own retries and its own history. */
export const quoteSupplier = defineWorkflow({
  name: 'quoteSupplier',
  input: z.object({ supplier: z.string().min(1), sku: z.string().min(1) }),
  async run(ctx, input) {
    return ctx.run(fetchQuote, input, { retry: { maxAttempts: 3, initialInterval: '100ms' } });
  },
});

export const BestQuoteInput = z.object({ sku: z.string().min(1), suppliers: z.array(z.string().min(1)).min(1) });

export interface Quote {
  readonly supplier: string;
  readonly priceCents: number;
  readonly attempts: number;
}

/**
 * Fans out to every supplier at once (one child execution each), then fans in: the cheapest quote wins, and the
 * suppliers that failed are reported next to it instead of failing the whole request. Only when no supplier answers
 * does the execution fail.
 */
export const bestQuote = defineWorkflow({
  name: 'bestQuote',
  input: BestQuoteInput,
  async run(ctx, { sku, suppliers }) {
    await ctx.state.set('status', `asking ${suppliers.length} suppliers`);
    const settled = await Promise.allSettled(
      suppliers.map((supplier) => ctx.call(quoteSupplier, { supplier, sku }, { id: `${ctx.executionId}.${supplier}` })),
    );
    const quotes: Quote[] = [];
    const failures: { supplier: string; error: string }[] = [];
    settled.forEach((outcome, index) => {
      const supplier = suppliers[index] as string;
      if (outcome.status === 'fulfilled') quotes.push(outcome.value);
      else failures.push({ supplier, error: failureReason(outcome.reason) });
    });
    await ctx.state.set('status', `${quotes.length} quotes, ${failures.length} failures`);
    await ctx.state.set('failures', failures);
    const best = quotes.reduce<Quote | undefined>(
      (min, q) => (min && min.priceCents <= q.priceCents ? min : q),
      undefined,
    );
    if (!best) throw new Error(`no supplier quoted ${sku}: ${failures.map((f) => f.supplier).join(', ')} failed`);
    return { sku, best, quotes, failures };
  },
});

/** The child's own error (a step that failed, with its cause) rather than the wrapper's. */
function failureReason(reason: unknown): string {
  if (WorkflowFailedError.is(reason)) return `${reason.cause.name}: ${reason.cause.message}`;
  return String(reason);
}

export const registry = { workflows: [bestQuote, quoteSupplier], steps: [fetchQuote] };
