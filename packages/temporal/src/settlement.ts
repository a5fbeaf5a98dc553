import type { WorkflowHandle } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { PROMISE_SIGNAL } from './workflow/names.js';

type Payload = Parameters<typeof defaultPayloadConverter.fromPayload>[0];

/**
 * Whether the promise signal carrying `token` is the first settlement of promise `name` in the execution's history.
 * The workflow keeps the first settlement it receives, and it receives signals in history order, so this is the
 * settlement that won; found with no worker running (the history is the server's).
 */
export async function wonSettlement(handle: WorkflowHandle, name: string, token: string): Promise<boolean> {
  const history = await handle.fetchHistory();
  for (const event of history.events ?? []) {
    const signal = event.workflowExecutionSignaledEventAttributes;
    if (signal?.signalName !== PROMISE_SIGNAL) continue;
    const payloads = signal.input?.payloads ?? [];
    if (payloads.length < 1 || decode(payloads[0]) !== name) continue;
    return payloads.length >= 3 && decode(payloads[2]) === token;
  }
  return false;
}

function decode(payload: unknown): unknown {
  return defaultPayloadConverter.fromPayload(payload as Payload);
}
