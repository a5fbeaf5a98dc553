import { describe, expect, test } from 'vitest';
import {
  CancelledError,
  DurableError,
  ExecutionNotFoundError,
  fromErrorShape,
  isNonRetryable,
  StepFailedError,
  TerminalError,
  TimeoutError,
  toErrorShape,
  ValidationError,
  WorkflowFailedError,
} from '../src/index.js';

describe('errors', () => {
  test('each error has its class name, a stable code and an is() guard', () => {
    const error = new StepFailedError('charge', 3, { name: 'Error', message: 'declined' });
    expect(error.name).toBe('StepFailedError');
    expect(error.code).toBe('STEP_FAILED');
    expect(error.message).toBe("Step 'charge' failed after 3 attempts: Error: declined");
    expect(StepFailedError.is(error)).toBe(true);
    expect(DurableError.is(error)).toBe(true);
    expect(TimeoutError.is(error)).toBe(false);
    expect(StepFailedError.is(new Error('x'))).toBe(false);
  });

  test('is() recognises an error from another copy of the module by its brand and name', () => {
    const foreign = Object.assign(new Error('late'), {
      name: 'TimeoutError',
      [Symbol.for('durable-runtime.error')]: true,
    });
    expect(TimeoutError.is(foreign)).toBe(true);
    expect(DurableError.is(foreign)).toBe(true);
    expect(CancelledError.is(foreign)).toBe(false);
  });

  test('shapes round-trip, keeping class and fields', () => {
    const original = new WorkflowFailedError('order', 'o-1', { name: 'CustomFailure', message: 'boom' });
    const rebuilt = fromErrorShape(JSON.parse(JSON.stringify(toErrorShape(original))));
    expect(WorkflowFailedError.is(rebuilt)).toBe(true);
    expect(rebuilt).toMatchObject({ workflowName: 'order', executionId: 'o-1', message: original.message });
    expect((rebuilt as WorkflowFailedError).cause).toEqual({ name: 'CustomFailure', message: 'boom' });
    const notFound = fromErrorShape(toErrorShape(new ExecutionNotFoundError('order', 'x')));
    expect(ExecutionNotFoundError.is(notFound)).toBe(true);
    const validation = fromErrorShape(toErrorShape(new ValidationError('bad', [{ path: 'a', message: 'm' }])));
    expect((validation as ValidationError).issues).toEqual([{ path: 'a', message: 'm' }]);
  });

  test('plain errors and thrown non-errors become shapes', () => {
    const custom = Object.assign(new Error('nope'), { name: 'Denied' });
    expect(toErrorShape(custom)).toEqual({ name: 'Denied', message: 'nope' });
    expect(toErrorShape('text')).toEqual({ name: 'Error', message: 'text' });
    expect(toErrorShape({ weird: 1 })).toEqual({ name: 'Error', message: '{"weird":1}' });
    const plain = fromErrorShape({ name: 'Denied', message: 'nope' });
    expect(plain).toBeInstanceOf(Error);
    expect(plain.name).toBe('Denied');
  });

  test('TerminalError (also subclassed) and serialization failures are not retryable', () => {
    class CardDeclined extends TerminalError {}
    expect(isNonRetryable(new TerminalError('stop'))).toBe(true);
    expect(isNonRetryable(new CardDeclined('declined'))).toBe(true);
    expect(isNonRetryable(toErrorShape(new CardDeclined('declined')))).toBe(true);
    expect(isNonRetryable({ name: 'SerializationError', message: 'x' })).toBe(true);
    expect(isNonRetryable(new Error('transient'))).toBe(false);
  });
});
