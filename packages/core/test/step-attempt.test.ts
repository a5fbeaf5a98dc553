import { describe, expect, test } from 'vitest';
import { CancelledError, defineStep, SerializationError, TimeoutError } from '../src/index.js';
import { type AttemptSettlement, type CancelSignal, executeStepAttempt, startStepAttempt } from '../src/spi/index.js';

const attempt = { attempt: 1, executionId: 'e-1', stepName: 'step' };

/** A cancellation signal an engine controls, as the memory engine's is. */
function cancellation(): CancelSignal & { cancel(): void; readonly listeners: number } {
  const listeners = new Set<() => void>();
  let aborted = false;
  return {
    get aborted() {
      return aborted;
    },
    get listeners() {
      return listeners.size;
    },
    addEventListener: (_type, listener) => listeners.add(listener),
    removeEventListener: (_type, listener) => listeners.delete(listener),
    cancel() {
      aborted = true;
      for (const listener of [...listeners]) listener();
    },
  };
}

/** The settlements an attempt reported, as they came. */
function settlements(): { readonly all: AttemptSettlement[]; readonly settled: (s: AttemptSettlement) => void } {
  const all: AttemptSettlement[] = [];
  return { all, settled: (settlement) => all.push(settlement) };
}

describe('step attempts', () => {
  test('the result is checked JSON, reported once; the step runs within the call', async () => {
    let ran = false;
    const step = defineStep('step', async (n: number) => {
      ran = true;
      return { doubled: n * 2 };
    });
    const { all, settled } = settlements();
    startStepAttempt(step, 21, attempt, {}, settled);
    expect(ran).toBe(true);
    await new Promise((resolve) => setImmediate(resolve));
    expect(all).toEqual([{ value: { doubled: 42 } }]);
    await expect(executeStepAttempt(step, 1, attempt)).resolves.toEqual({ doubled: 2 });
  });

  test('a synchronous throw and a result that is not JSON are failed attempts, not throws', async () => {
    const throwing = defineStep('throwing', (() => {
      throw new Error('at once');
    }) as unknown as (n: number) => Promise<number>);
    const { all, settled } = settlements();
    expect(() => startStepAttempt(throwing, 1, attempt, {}, settled)).not.toThrow();
    expect(all).toEqual([{ error: new Error('at once') }]);
    await expect(executeStepAttempt(throwing, 1, attempt)).rejects.toThrow('at once');
    const notJson = defineStep('notJson', async () => new Map());
    await expect(executeStepAttempt(notJson, undefined, attempt)).rejects.toBeInstanceOf(SerializationError);
  });

  test('a cancellation settles at once with CancelledError, aborts info.signal, and the late result is dropped', async () => {
    let finish: (value: string) => void = () => {};
    let signal: AbortSignal | undefined;
    const slow = defineStep('slow', (_: undefined, info) => {
      signal = info.signal;
      return new Promise<string>((resolve) => {
        finish = resolve;
      });
    });
    const cancel = cancellation();
    const { all, settled } = settlements();
    startStepAttempt(slow, undefined, attempt, { cancelSignal: cancel }, settled);
    expect(cancel.listeners).toBe(1);
    cancel.cancel();
    expect(all).toHaveLength(1);
    expect((all[0] as { error: unknown }).error).toBeInstanceOf(CancelledError);
    expect(signal?.aborted).toBe(true);
    expect(signal?.reason).toBeInstanceOf(CancelledError);
    finish('late');
    await new Promise((resolve) => setImmediate(resolve));
    expect(all).toHaveLength(1);
    expect(cancel.listeners).toBe(0);
  });

  test('an attempt of an execution cancelled already does not run the step', async () => {
    let ran = false;
    const step = defineStep('never', async () => {
      ran = true;
      return 1;
    });
    const cancel = cancellation();
    cancel.cancel();
    await expect(executeStepAttempt(step, undefined, attempt, { cancelSignal: cancel })).rejects.toBeInstanceOf(
      CancelledError,
    );
    expect(ran).toBe(false);
  });

  test('an attempt over its timeout fails with a TimeoutError naming step and attempt; success stops the timer', async () => {
    const hanging = defineStep('hanging', () => new Promise<number>(() => {}));
    await expect(executeStepAttempt(hanging, undefined, attempt, { timeoutMs: 20 })).rejects.toThrow(
      new TimeoutError("Step 'hanging' attempt 1 timed out after 20ms"),
    );
    const quick = defineStep('quick', async () => 'done');
    const cancel = cancellation();
    await expect(executeStepAttempt(quick, undefined, attempt, { timeoutMs: 20, cancelSignal: cancel })).resolves.toBe(
      'done',
    );
    expect(cancel.listeners).toBe(0);
  });
});
