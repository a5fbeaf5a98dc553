import type { PromiseSettlement } from '@durable-runtime/core/spi';
import { defineQuery, defineSignal, setHandler } from '@temporalio/workflow';
import { MESSAGE_SIGNAL, PROMISE_SIGNAL, STATE_QUERY } from './names.js';

/**
 * What an execution receives from outside and keeps in its workflow memory: settled durable promises (first
 * settlement wins), buffered messages per channel (FIFO) and its key/value state. Signals deliver the first two and
 * are replayed from history, so the memory is rebuilt identically on replay; a query reads the state.
 */
export interface Inbox {
  readonly promises: ReadonlyMap<string, PromiseSettlement>;
  /** The buffered messages of a channel, oldest first (mutable: a receive shifts one off). */
  channel(name: string): unknown[];
  readonly state: Map<string, unknown>;
}

/** Args `[name, settlement, token]`: the token lets the sender find its own signal in the history (who won). */
export const promiseSignal = defineSignal<[string, PromiseSettlement, string?]>(PROMISE_SIGNAL);
export const messageSignal = defineSignal<[string, unknown]>(MESSAGE_SIGNAL);
export const stateQuery = defineQuery<unknown, [string?]>(STATE_QUERY);

/** The answer of the state query without a key: the whole state, or only its keys when it is too large for one answer. */
export type StateAnswer = { readonly entries: Record<string, unknown> } | { readonly keys: readonly string[] };

/** Largest whole-state answer, in JSON characters: a query answer must stay under Temporal's payload limit. */
const WHOLE_STATE_MAX_CHARS = 500_000;

/** Creates the inbox of the current execution and installs its signal and query handlers. */
export function installInbox(): Inbox {
  const promises = new Map<string, PromiseSettlement>();
  const channels = new Map<string, unknown[]>();
  const state = new Map<string, unknown>();
  const channel = (name: string) => {
    let queue = channels.get(name);
    if (!queue) {
      queue = [];
      channels.set(name, queue);
    }
    return queue;
  };

  setHandler(promiseSignal, (name, settlement) => {
    if (!promises.has(name)) promises.set(name, settlement);
  });
  setHandler(messageSignal, (name, message) => {
    channel(name).push(message);
  });
  setHandler(stateQuery, (key) => (key === undefined ? wholeState(state) : state.get(key)));
  return { promises, channel, state };
}

function wholeState(state: ReadonlyMap<string, unknown>): StateAnswer {
  const entries = Object.fromEntries(state);
  return JSON.stringify(entries).length <= WHOLE_STATE_MAX_CHARS ? { entries } : { keys: [...state.keys()] };
}
