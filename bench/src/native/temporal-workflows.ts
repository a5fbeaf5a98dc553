/**
 * The workloads as hand-written native Temporal workflows (bundled into Temporal's sandbox by the Temporal engine
 * module): one activity per step, Temporal timers, a signal for the promise, with the step policy the adapter uses by
 * default (5 attempts, 1 s doubling up to 60 s).
 */
import { condition, defineSignal, proxyActivities, setHandler, sleep } from '@temporalio/workflow';

export interface NativeActivities {
  addOne(n: number): Promise<number>;
  mark(key: string): Promise<boolean>;
}

const { addOne, mark } = proxyActivities<NativeActivities>({
  startToCloseTimeout: '1 minute',
  retry: { maximumAttempts: 5, initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '60s' },
});

export const goSignal = defineSignal<[number]>('go');

export async function nativeSteps(count: number, n: number): Promise<number> {
  let value = n;
  for (let i = 0; i < count; i++) value = await addOne(value);
  return value;
}

export async function nativeStart(key: string): Promise<boolean> {
  return mark(key);
}

export async function nativeSleep(ms: number): Promise<number> {
  await sleep(ms);
  return ms;
}

export async function nativePromise(key: string): Promise<number> {
  let value: number | undefined;
  setHandler(goSignal, (received) => {
    value ??= received;
  });
  await mark(key);
  await condition(() => value !== undefined);
  return value as number;
}
