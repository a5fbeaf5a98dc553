import type { Message } from '@resonatehq/sdk';
import type { Resonate } from '@resonatehq/sdk/async';

/** The SDK's network interface (what `new Resonate({ network })` takes). */
export type ResonateNetwork = NonNullable<NonNullable<ConstructorParameters<typeof Resonate>[0]>['network']>;

/** What a {@link forwardingNetwork} changes of the network it wraps; everything else passes unchanged. */
export interface NetworkChanges {
  /** Sends the SDK's requests instead of the wrapped network's `send` (which it may call). */
  readonly send?: ResonateNetwork['send'];
  /** Which incoming messages reach the SDK (all of them when absent). */
  readonly accepts?: (message: Message) => boolean;
}

/**
 * A network that forwards to `network`, with its own `send` or a filter of incoming messages. The addresses are read
 * through (a network may know them only after `init()`).
 */
export function forwardingNetwork(network: ResonateNetwork, changes: NetworkChanges): ResonateNetwork {
  const { accepts } = changes;
  return {
    get unicast() {
      return network.unicast;
    },
    get anycast() {
      return network.anycast;
    },
    match: (target) => network.match(target),
    init: () => network.init(),
    stop: () => network.stop(),
    send: changes.send ?? network.send,
    recv: accepts
      ? (callback) => network.recv((message) => (accepts(message) ? callback(message) : undefined))
      : (callback) => network.recv(callback),
  };
}

/**
 * A network for a client-only `Resonate`: everything passes except `execute` messages (tasks to run), so the
 * client never takes a task; it still gets the `unblock` messages that announce results.
 */
export function clientOnly(network: ResonateNetwork): ResonateNetwork {
  return forwardingNetwork(network, { accepts: (message) => message.kind !== 'execute' });
}
