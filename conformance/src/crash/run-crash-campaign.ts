import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ExecutionHandle, WorkflowFailedError } from '@durable-runtime/core';
import { describe, expect, test } from 'vitest';
import { campaign } from './crash-fixtures.js';
import type { CrashSink } from './crash-probe.js';
import { useCrashWorkers } from './crash-workers.js';
import type { CrashCertificationOptions } from './run-crash-certification.js';

/** Options of {@link runCrashCampaign}: those of the certification, and the campaign's size. */
export interface CrashCampaignOptions extends CrashCertificationOptions {
  /** Worker kills. @default DURABLE_CAMPAIGN_KILLS, else 10 */
  readonly kills?: number;
  /** Executions kept in flight while the worker is killed. @default 4 */
  readonly inFlight?: number;
  /** Worker processes running at once, killed in turn (for engines where workers share the work). @default 1 */
  readonly workers?: number;
}

/** What a campaign counts; every figure but `kills`, `executions` and `steps` must be 0. */
export interface CampaignFigures {
  readonly backend: string;
  readonly kills: number;
  readonly executions: number;
  readonly steps: number;
  /** Executions that did not complete with the right result. */
  readonly lost: number;
  /** Executions that ended failed or cancelled. */
  readonly failedByCrashes: number;
  /** Step runs that began after a later step had begun: the step's result had been recorded. */
  readonly recordedStepsRerun: number;
  /** Side effects completed again after the step's result had been recorded. */
  readonly duplicateSideEffects: number;
  /** Step runs with `info.attempt` above 1: the steps never throw, so only a crash could have used an attempt. */
  readonly attemptsConsumedByCrashes: number;
  readonly seconds: number;
  /** The first failure seen, to diagnose a red campaign. */
  readonly firstFailure?: string;
}

/** Steps of each campaign execution; `campaignInput` gives the rest of its input. */
export const CAMPAIGN_STEPS = 6;

/** The input of the `n`-th execution of a campaign: durations vary between executions. */
export function campaignInput(n: number): { steps: number; holdMs: number } {
  return { steps: CAMPAIGN_STEPS, holdMs: 20 + (n % 5) * 40 };
}

/**
 * The crash campaign: workers are SIGKILLed at random moments (not only inside a marked step) while executions of
 * the `campaign` workflow run, and replaced; then every execution must complete, no recorded step may run again and
 * no crash may use up an attempt. Writes its figures to `DURABLE_CERTIFY_OUT/<backend>.json` when that is set.
 */
export function runCrashCampaign(options: CrashCampaignOptions): void {
  const kills = options.kills ?? Number(process.env.DURABLE_CAMPAIGN_KILLS ?? 10);
  const workerCount = options.workers ?? 1;
  const title = workerCount > 1 ? `${options.name}, ${workerCount} workers killed in turn` : options.name;
  describe(`crash campaign: ${title}`, () => {
    const crash = useCrashWorkers(options, 'durable-campaign-');

    test(`${kills} random worker kills: nothing lost, no recorded step re-run, no attempt used by a crash`, async () => {
      const started = Date.now();
      const runTag = started.toString(36);
      const handles: ExecutionHandle<typeof campaign>[] = [];
      const inFlight = options.inFlight ?? 4;
      const topUp = async () => {
        const running = await Promise.all(handles.map((handle) => handle.status()));
        for (let missing = inFlight - running.filter((s) => s === 'running').length; missing > 0; missing--) {
          const id = `campaign-${runTag}-${handles.length}`;
          handles.push(await crash.client().start(campaign, campaignInput(handles.length), { id }));
        }
      };
      const workers = await Promise.all(Array.from({ length: workerCount }, () => crash.startWorker()));
      try {
        for (let kill = 0; kill < kills; kill++) {
          await topUp();
          await new Promise((resolve) => setTimeout(resolve, 150 + Math.random() * 1200));
          const turn = kill % workerCount;
          await workers[turn]?.kill('SIGKILL');
          workers[turn] = await crash.startWorker();
        }
        const outcomes = await Promise.all(
          handles.map((handle) =>
            withTimeout(handle.result(), options.recoveryTimeoutMs ?? 120_000).then(
              (value) => ({ value }),
              (error: unknown) => ({ error }),
            ),
          ),
        );
        const backend = workerCount > 1 ? `${options.name}-${workerCount}-workers` : options.name;
        const figures = campaignFigures(backend, kills, handles, outcomes, crash.sink, Date.now() - started);
        writeCampaignFigures(figures);
        expectNothingLost(figures);
      } catch (error) {
        throw new Error(`${String(error)}\n${crash.logs(3)}`, { cause: error });
      }
    });
  });
}

/** How one execution of a campaign ended. */
export type CampaignOutcome = { value: unknown } | { error: unknown };

/** Counts a campaign's figures from the executions, how they ended, and their step events in the sink. */
export function campaignFigures(
  backend: string,
  kills: number,
  handles: readonly ExecutionHandle[],
  outcomes: readonly CampaignOutcome[],
  sink: CrashSink,
  elapsedMs: number,
): CampaignFigures {
  const expectedSum = (CAMPAIGN_STEPS * (CAMPAIGN_STEPS - 1)) / 2;
  let recordedStepsRerun = 0;
  let duplicateSideEffects = 0;
  let attemptsConsumedByCrashes = 0;
  for (const handle of handles) {
    let furthestStarted = -1;
    for (const line of sink.events(handle.id)) {
      const [kind, index, attempt] = line.split(' ');
      const step = Number(index);
      if (Number(attempt) > 1) attemptsConsumedByCrashes++;
      if (step < furthestStarted) {
        if (kind === 'start') recordedStepsRerun++;
        else duplicateSideEffects++;
      }
      if (kind === 'start') furthestStarted = Math.max(furthestStarted, step);
    }
  }
  const failedByCrashes = outcomes.filter((o) => 'error' in o && WorkflowFailedError.is(o.error)).length;
  const lost = outcomes.filter((outcome) => !('value' in outcome) || outcome.value !== expectedSum).length;
  const failure = outcomes.find((outcome): outcome is { error: unknown } => 'error' in outcome);
  return {
    ...(failure ? { firstFailure: String(failure.error) } : {}),
    backend,
    kills,
    executions: handles.length,
    steps: handles.length * CAMPAIGN_STEPS,
    lost,
    failedByCrashes,
    recordedStepsRerun,
    duplicateSideEffects,
    attemptsConsumedByCrashes,
    seconds: Math.round(elapsedMs / 100) / 10,
  };
}

/** The certification's verdict: nothing lost, failed, re-run, duplicated or consumed by a crash. */
export function expectNothingLost(figures: CampaignFigures): void {
  expect(figures).toMatchObject({
    lost: 0,
    failedByCrashes: 0,
    recordedStepsRerun: 0,
    duplicateSideEffects: 0,
    attemptsConsumedByCrashes: 0,
  });
}

/** Writes the figures where `pnpm certify` collects them (only when it runs the campaign). */
export function writeCampaignFigures(figures: CampaignFigures): void {
  const out = process.env.DURABLE_CERTIFY_OUT;
  if (!out) return;
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, `${figures.backend}.json`), `${JSON.stringify(figures, null, 2)}\n`);
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no result ${ms} ms after the last kill`)), ms);
  });
  return Promise.race([work, expired]).finally(() => clearTimeout(timer));
}
