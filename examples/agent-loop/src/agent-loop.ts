import { defineStep, defineWorkflow, TerminalError } from '@durable-runtime/core';
import { z } from 'zod';
import { type Counterexample, propose } from './agent.js';

const TestCase = z.object({ input: z.string(), expected: z.boolean() });

export const AgentLoopInput = z.object({
  /** What the agent is asked to do. */
  task: z.string().min(1),
  /** The acceptance tests the proposal must pass. */
  cases: z.array(TestCase).min(1),
  maxIterations: z.number().int().min(1).max(20),
});

/**
 * The agent call, as a step: its answer is recorded, so a crash or a replay never asks the agent twice for the same
 * iteration. The stand-in takes a moment, like a model would, and is rate limited once (retried by the step policy).
 */
export const proposeChange = defineStep(
  'proposeChange',
  async (args: { task: string; iteration: number; counterexamples: Counterexample[] }, info) => {
    await new Promise((resolve) => setTimeout(resolve, 150));
    if (args.iteration === 2 && info.attempt === 1) throw new Error('agent API rate limited (429)');
    const proposal = propose(args.counterexamples);
    if (!proposal) throw new TerminalError('the agent has no further idea');
    return proposal;
  },
);

/** Runs the acceptance tests against a proposal and stops at the first failure (like `--bail`). */
export const runTests = defineStep('runTests', (args: { pattern: string; cases: z.infer<typeof TestCase>[] }) => {
  const regex = new RegExp(args.pattern);
  for (const [index, testCase] of args.cases.entries()) {
    const got = regex.test(testCase.input);
    if (got !== testCase.expected) {
      return {
        passed: false as const,
        ran: index + 1,
        failure: { input: testCase.input, expected: testCase.expected },
      };
    }
  }
  return { passed: true as const, ran: args.cases.length };
});

export type AgentLoopResult =
  | { status: 'accepted'; iterations: number; pattern: string }
  | { status: 'gave-up'; iterations: number; counterexamples: Counterexample[] };

/**
 * The agent loop: propose a change, test it, feed the failure back, and try again, at most `maxIterations` times.
 * The state `iteration`, `phase` and `lastFailure` show from outside where the loop is.
 */
export const agentLoop = defineWorkflow({
  name: 'agentLoop',
  input: AgentLoopInput,
  async run(ctx, { task, cases, maxIterations }): Promise<AgentLoopResult> {
    const counterexamples: Counterexample[] = [];
    for (let iteration = 1; iteration <= maxIterations; iteration++) {
      await ctx.state.set('iteration', iteration);
      await ctx.state.set('phase', 'proposing');
      const proposal = await ctx.run(
        proposeChange,
        { task, iteration, counterexamples },
        { retry: { maxAttempts: 4, initialInterval: '200ms' }, timeout: '30s' },
      );
      await ctx.state.set('proposal', proposal.pattern);
      await ctx.state.set('phase', 'testing');
      const verdict = await ctx.run(runTests, { pattern: proposal.pattern, cases });
      if (verdict.passed) {
        await ctx.state.set('phase', 'accepted');
        return { status: 'accepted', iterations: iteration, pattern: proposal.pattern };
      }
      counterexamples.push(verdict.failure);
      await ctx.state.set('lastFailure', verdict.failure);
    }
    await ctx.state.set('phase', 'gave-up');
    return { status: 'gave-up', iterations: maxIterations, counterexamples };
  },
});

export const registry = { workflows: [agentLoop], steps: [proposeChange, runTests] };
