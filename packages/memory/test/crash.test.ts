import {
  type CampaignOutcome,
  type CrashSink,
  campaign,
  campaignFigures,
  campaignInput,
  crashProbe,
  crashRegistry,
  expectNothingLost,
  writeCampaignFigures,
} from '@durable-runtime/conformance/crash';
import type { ExecutionHandle } from '@durable-runtime/core';
import { describe, expect, test } from 'vitest';
import { createInMemoryStore, createMemoryRuntime, type MemoryRuntime } from '../src/index.js';

/**
 * The crash sink of an in-process simulation: a crashed runtime's step attempts may still be running (nothing kills
 * them, as a SIGKILL would), so what an attempt writes after the crash of the runtime it started in is dropped.
 */
function simulatedCrashSink(): CrashSink & { crash(): void } {
  let epoch = 0;
  const events = new Map<string, string[]>();
  const startedIn = new Map<string, number>();
  const counts = new Map<string, number>();
  return {
    crash() {
      epoch++;
    },
    record(executionId, stepName) {
      const key = `${executionId}.${stepName}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    },
    count: (executionId, stepName) => counts.get(`${executionId}.${stepName}`) ?? 0,
    event(executionId, line) {
      const [kind, index] = line.split(' ');
      const attempt = `${executionId}#${index}`;
      if (kind === 'start') startedIn.set(attempt, epoch);
      else if (startedIn.get(attempt) !== epoch) return;
      events.set(executionId, [...(events.get(executionId) ?? []), line]);
    },
    events: (executionId) => events.get(executionId) ?? [],
  };
}

const kills = Number(process.env.DURABLE_CAMPAIGN_KILLS ?? 10);

// The memory engine's crash simulation: `crash()` abandons the runtime mid-flight at random moments and a new one
// over the same store resumes its executions by replay (the campaign of the real engines kills worker processes).
describe('crash campaign: memory', () => {
  test(`${kills} random crashes: nothing lost, no recorded step re-run, no attempt used by a crash`, async () => {
    const sink = simulatedCrashSink();
    crashProbe.install(sink);
    const store = createInMemoryStore();
    const started = Date.now();
    let runtime: MemoryRuntime = createMemoryRuntime(crashRegistry, { store });
    const ids: string[] = [];
    const topUp = async () => {
      const statuses = await Promise.all(ids.map((id) => runtime.handle(campaign, id).status()));
      for (let missing = 4 - statuses.filter((s) => s === 'running').length; missing > 0; missing--) {
        const id = `memory-campaign-${started.toString(36)}-${ids.length}`;
        await runtime.start(campaign, campaignInput(ids.length), { id });
        ids.push(id);
      }
    };
    for (let kill = 0; kill < kills; kill++) {
      await topUp();
      await new Promise((resolve) => setTimeout(resolve, 20 + Math.random() * 400));
      runtime.crash();
      sink.crash();
      runtime = createMemoryRuntime(crashRegistry, { store });
    }
    const handles: ExecutionHandle[] = ids.map((id) => runtime.handle(campaign, id));
    const outcomes: CampaignOutcome[] = await Promise.all(
      handles.map((handle) =>
        handle.result().then(
          (value) => ({ value }),
          (error: unknown) => ({ error }),
        ),
      ),
    );
    await runtime.close();
    const figures = campaignFigures('memory', kills, handles, outcomes, sink, Date.now() - started);
    writeCampaignFigures(figures);
    expectNothingLost(figures);
    expect(figures.executions).toBeGreaterThan(4);
  });
});
