import { ExecutionNotFoundError, fromErrorShape } from '@durable-runtime/core';
import type { EngineContext, ExecutionRef, WaitOutcome } from '@durable-runtime/core/spi';
import {
  ActivityFailure,
  condition,
  getExternalWorkflowHandle,
  isCancellation,
  proxyActivities,
  sleep,
  uuid4,
} from '@temporalio/workflow';
import type { Cancellation } from './cancellation.js';
import { callChild, startChild } from './children.js';
import { failureToShape } from './failures.js';
import type { Inbox } from './inbox.js';
import { messageSignal } from './inbox.js';
import { SEND_TARGET_ACTIVITY, STEP_HEARTBEAT_TIMEOUT_MS } from './names.js';
import { runStep } from './steps.js';

/** Time limit of the activity that checks a send's target (a describe call). */
const SEND_CHECK_TIMEOUT_MS = 30_000;

/**
 * Core's {@link EngineContext} on Temporal's workflow APIs. Each step is an activity whose type is the step's name;
 * timers are Temporal timers; promises and messages arrive by signal into the {@link Inbox}; children are child
 * workflows. Cancellation follows {@link Cancellation}: waits are interrupted, compensation runs.
 */
export function createEngineContext(
  ref: ExecutionRef,
  inbox: Inbox,
  cancellation: Cancellation,
  maxPayloadBytes: number,
): EngineContext {
  const checkedTargets = new Set<string>();
  const receivers = new Map<string, object[]>();
  return {
    ...ref,
    runStep: (request) => runStep(request, cancellation),
    sleep: (ms) => cancellation.wait(() => (ms > 0 ? sleep(ms) : Promise.resolve())),
    async promise(name, timeoutMs) {
      const ready = await cancellation.wait(() => waitFor(() => inbox.promises.has(name), timeoutMs));
      return ready ? (inbox.promises.get(name) as WaitOutcome) : { kind: 'timeout' };
    },
    async receive(channel, timeoutMs) {
      const queue = inbox.channel(channel);
      // Concurrent receives take turns in the order they were issued: each waits until it is first in line.
      const line = receivers.get(channel) ?? [];
      receivers.set(channel, line);
      const turn = {};
      line.push(turn);
      try {
        const ready = await cancellation.wait(() => waitFor(() => line[0] === turn && queue.length > 0, timeoutMs));
        return ready ? { kind: 'value', value: queue.shift() } : { kind: 'timeout' };
      } finally {
        line.splice(line.indexOf(turn), 1);
      }
    },
    getState: async (key) => inbox.state.get(key),
    setState: async (key, value) => {
      inbox.state.set(key, value);
    },
    deleteState: async (key) => {
      inbox.state.delete(key);
    },
    async send(target, channel, message) {
      if (target.executionId === ref.executionId && target.workflowName === ref.workflowName) {
        // Temporal cannot signal the execution itself: the message goes to its own inbox (replayed identically).
        inbox.channel(channel).push(message);
        return;
      }
      await cancellation.shielded(() => send(target, channel, message, checkedTargets));
    },
    callChild: (request) => cancellation.wait(() => callChild(request, maxPayloadBytes)),
    startChild: (request, delayMs) => cancellation.shielded(() => startChild(request, delayMs, maxPayloadBytes)),
    now: async () => Date.now(),
    random: async () => Math.random(),
    uuid: async () => uuid4(),
  };
}

/** Waits until `ready()` holds; false when `timeoutMs` passed first (checked at once when it is 0 or less). */
async function waitFor(ready: () => boolean, timeoutMs: number | undefined): Promise<boolean> {
  if (ready()) return true;
  if (timeoutMs === undefined) {
    await condition(ready);
    return true;
  }
  return timeoutMs > 0 ? condition(ready, timeoutMs) : false;
}

/**
 * Signals another execution. Its workflow is checked once per target by an activity (Temporal's workflow API cannot
 * read another execution's type): an id of another workflow, or a workflow this worker does not know, is not found.
 */
async function send(target: ExecutionRef, channel: string, message: unknown, checked: Set<string>): Promise<void> {
  const key = `${target.workflowName}\u0000${target.executionId}`;
  if (!checked.has(key)) {
    await checkTarget(target);
    checked.add(key);
  }
  try {
    await getExternalWorkflowHandle(target.executionId).signal(messageSignal, channel, message);
  } catch (error) {
    if (isCancellation(error)) throw error;
    throw new ExecutionNotFoundError(target.workflowName, target.executionId);
  }
}

async function checkTarget(target: ExecutionRef): Promise<void> {
  const { [SEND_TARGET_ACTIVITY]: check } = proxyActivities<Record<string, (ref: ExecutionRef) => Promise<void>>>({
    startToCloseTimeout: SEND_CHECK_TIMEOUT_MS,
    heartbeatTimeout: STEP_HEARTBEAT_TIMEOUT_MS,
    retry: { initialInterval: 1_000, maximumInterval: 10_000 },
  });
  try {
    await (check as (ref: ExecutionRef) => Promise<void>)({
      workflowName: target.workflowName,
      executionId: target.executionId,
    });
  } catch (error) {
    if (error instanceof ActivityFailure && !isCancellation(error)) throw fromErrorShape(failureToShape(error));
    throw error;
  }
}
