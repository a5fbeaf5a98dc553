/**
 * Latency of one workflow with three steps, local mode, in one process: through the durable-runtime adapter
 * (`runtime.run`) and through a hand-written native Resonate function (`resonate.run(...).result()`), interleaved.
 *
 * Run from the repository root after a build (it imports the built packages):
 *   (cd packages/resonate && tsc -b) && node packages/resonate/bench/latency.ts [iterations]
 */
import { defineStep, defineWorkflow } from '@durable-runtime/core';
import { createResonateRuntime } from '@durable-runtime/resonate';
import type { Context, Info } from '@resonatehq/sdk/async';
import { Resonate } from '@resonatehq/sdk/async';

const iterations = Number(process.argv[2] ?? 500);
const warmup = Math.min(50, Math.floor(iterations / 10));

const addOne = defineStep('addOne', async (n: number) => n + 1);
const threeSteps = defineWorkflow({
  name: 'threeSteps',
  async run(ctx, n: number) {
    const a = await ctx.run(addOne, n, { retry: { maxAttempts: 1 } });
    const b = await ctx.run(addOne, a, { retry: { maxAttempts: 1 } });
    return ctx.run(addOne, b, { retry: { maxAttempts: 1 } });
  },
});

function nativeAddOne(_info: Info, n: number): number {
  return n + 1;
}

async function nativeThreeSteps(ctx: Context, n: number): Promise<number> {
  const a = await ctx.run(nativeAddOne, n);
  const b = await ctx.run(nativeAddOne, a);
  return ctx.run(nativeAddOne, b);
}

const runtime = await createResonateRuntime({ logLevel: 'error' }, { workflows: [threeSteps], steps: [addOne] });
const resonate = new Resonate({ logLevel: 'error' });
resonate.register('nativeThreeSteps', nativeThreeSteps);

const adapterTimes: number[] = [];
const nativeTimes: number[] = [];
const tag = Date.now().toString(36);

for (let i = 0; i < iterations + warmup; i++) {
  let started = performance.now();
  const viaAdapter = await runtime.run(threeSteps, i, { id: `adapter-${tag}-${i}` });
  const adapterMs = performance.now() - started;
  started = performance.now();
  const handle = await resonate.run(`native-${tag}-${i}`, nativeThreeSteps, i);
  const viaNative = await handle.result();
  const nativeMs = performance.now() - started;
  if (viaAdapter !== i + 3 || viaNative !== i + 3) throw new Error(`wrong result: ${viaAdapter}, ${viaNative}`);
  if (i >= warmup) {
    adapterTimes.push(adapterMs);
    nativeTimes.push(nativeMs);
  }
}

await runtime.close();
await resonate.stop();

const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] as number;
};
const report = (name: string, values: number[]) => ({
  name,
  median: quantile(values, 0.5),
  p99: quantile(values, 0.99),
});
const adapter = report('adapter (runtime.run)', adapterTimes);
const native = report('native Resonate (resonate.run + result)', nativeTimes);
console.log(`one workflow, three steps, local mode; ${iterations} runs each after ${warmup} warm-up runs, interleaved`);
for (const row of [adapter, native]) {
  console.log(`${row.name.padEnd(42)} median ${row.median.toFixed(3)} ms   p99 ${row.p99.toFixed(3)} ms`);
}
console.log(
  `ratio adapter/native: median ${(adapter.median / native.median).toFixed(2)}x   p99 ${(adapter.p99 / native.p99).toFixed(2)}x`,
);
