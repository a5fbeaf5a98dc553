// Benchmark workflow for latency.ts: the same three steps as a hand-written native Temporal workflow.
import { proxyActivities } from '@temporalio/workflow';

interface Activities {
  nativeFirst(n: number): Promise<number>;
  nativeSecond(n: number): Promise<number>;
  nativeThird(n: number): Promise<string>;
}

const { nativeFirst, nativeSecond, nativeThird } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { maximumAttempts: 5, initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '60s' },
});

export async function nativeThreeSteps(n: number): Promise<string> {
  const a = await nativeFirst(n);
  const b = await nativeSecond(a);
  return nativeThird(b);
}
