import { describe, expect, test } from 'vitest';
import { NonDeterminismError } from '../src/index.js';
import { divergenceError, operationName, targetName } from '../src/spi/index.js';

describe('operation names', () => {
  const order = { workflowName: 'order', executionId: 'o-1' };

  test('an operation is named kind:detail, or by its kind alone', () => {
    expect(operationName('step', 'charge')).toBe('step:charge');
    expect(operationName('state.set', 'phase')).toBe('state.set:phase');
    expect(operationName('sleep')).toBe('sleep');
    expect(operationName('uuid', '')).toBe('uuid');
  });

  test('another execution is named <workflow>/<id>, a message to it with #<channel>', () => {
    expect(operationName('call', targetName(order))).toBe('call:order/o-1');
    expect(operationName('cancel', targetName(order))).toBe('cancel:order/o-1');
    expect(operationName('send', targetName(order, 'approve'))).toBe('send:order/o-1#approve');
  });

  test('a divergence names the execution, its workflow, the position, the recorded and the running operation', () => {
    const error = divergenceError({
      executionId: 'o-1',
      workflowName: 'order',
      position: 2,
      recorded: 'step:charge',
      running: 'sleep',
    });
    expect(NonDeterminismError.is(error)).toBe(true);
    expect(error.code).toBe('NON_DETERMINISM');
    expect(error.message).toBe(
      "Replay of execution 'o-1' of workflow 'order' diverged at operation #2: the history recorded 'step:charge', " +
        "the workflow now runs 'sleep'",
    );
  });

  test('a divergence without a known workflow or position, and with something other than a record', () => {
    const error = divergenceError({
      executionId: 'o-1',
      recorded: { description: 'a timer or a wait' },
      running: 'end',
    });
    expect(error.message).toBe(
      "Replay of execution 'o-1' diverged: the history recorded a timer or a wait, the workflow now runs 'end'",
    );
  });
});
