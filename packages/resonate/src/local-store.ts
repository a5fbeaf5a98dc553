import { LocalNetwork, type Message } from '@resonatehq/sdk';
import type { Resonate } from '@resonatehq/sdk/async';

/** The SDK's network interface (what `new Resonate({ network })` takes). */
export type ResonateNetwork = NonNullable<NonNullable<ConstructorParameters<typeof Resonate>[0]>['network']>;

/**
 * A network for a client-only `Resonate`: everything passes except `execute` messages (tasks to run), so the
 * client never takes a task; it still gets the `unblock` messages that announce results.
 */
export function clientOnly(network: ResonateNetwork): ResonateNetwork {
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
    send: network.send,
    recv: (callback) => network.recv((message) => (message.kind === 'execute' ? undefined : callback(message))),
  };
}

/**
 * An in-process Resonate store: the SDK's `LocalNetwork` (an in-memory Resonate server whose timers tick once a
 * second), shared by the runtimes of one process. Each runtime's worker attaches to it through its own network, so a
 * worker can stop, as a crashed process would, while another one takes over the same durable state: that is how
 * local mode simulates a restart. Nothing survives the process. The store runs while a worker is attached.
 */
export class LocalStore {
  readonly #network = new LocalNetwork({ group: 'durable-runtime' });
  readonly #workers = new Set<LocalWorkerNetwork>();
  #running = false;

  /** A network for one worker (`new Resonate({ network })`); it joins the store on `init()`, leaves on `stop()`. */
  attach(): ResonateNetwork {
    return new LocalWorkerNetwork(this, this.#network);
  }

  /** Whether a worker is attached (the store's clock then ticks). */
  get running(): boolean {
    return this.#running;
  }

  join(worker: LocalWorkerNetwork): void {
    this.#workers.add(worker);
    if (this.#running) return;
    this.#running = true;
    this.#network.recv((message) => {
      for (const attached of this.#workers) attached.deliver(message);
    });
    void this.#network.init();
  }

  leave(worker: LocalWorkerNetwork): void {
    this.#workers.delete(worker);
    if (this.#workers.size > 0 || !this.#running) return;
    this.#running = false;
    // Stops the clock and drops the subscriber registered in join(); the promises stay in memory.
    void this.#network.stop();
  }
}

/** One worker's view of a {@link LocalStore}. After `stop()` it neither sends nor receives: a crashed worker. */
class LocalWorkerNetwork implements ResonateNetwork {
  readonly unicast: string;
  readonly anycast: string;
  readonly #callbacks: Array<(message: Message) => void> = [];
  #stopped = false;

  constructor(
    private readonly store: LocalStore,
    private readonly network: LocalNetwork,
  ) {
    this.unicast = network.unicast;
    this.anycast = network.anycast;
  }

  match(target: string): string {
    return this.network.match(target);
  }

  async init(): Promise<void> {
    if (!this.#stopped) this.store.join(this);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.store.leave(this);
  }

  send: ResonateNetwork['send'] = (request) => {
    if (this.#stopped) return Promise.reject(new Error('this Resonate worker was stopped'));
    return this.network.send(request);
  };

  recv(callback: (message: Message) => void): void {
    this.#callbacks.push(callback);
  }

  deliver(message: Message): void {
    if (this.#stopped) return;
    for (const callback of this.#callbacks) callback(message);
  }
}
