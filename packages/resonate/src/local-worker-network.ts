import type {
  LocalNetwork,
  Message,
  PromiseCreateRes,
  PromiseRecord,
  TaskAcquireReq,
  TaskAcquireRes,
  TaskCreateReq,
  TaskFenceReq,
  TaskFenceRes,
  TaskFulfillReq,
  TaskRecord,
  TaskReleaseReq,
  TaskSuspendReq,
} from '@resonatehq/sdk';
import type { LocalStore } from './local-store.js';
import type { ResonateNetwork } from './resonate-network.js';

type TaskFenceRes200 = Extract<TaskFenceRes, { head: { status: 200 } }>;
type PromiseCreateRes200 = Extract<PromiseCreateRes, { head: { status: 200 } }>;

/** The lease of a task that the SDK claims, unless `new Resonate({ ttl })` sets another one. */
const SDK_LEASE_MS = 60_000;

/** Sees each answer to a task claim before the SDK does (and may change it). */
export type AcquireHook = (
  network: ResonateNetwork,
  request: TaskAcquireReq,
  response: TaskAcquireRes,
) => Promise<TaskAcquireRes>;

/** A task as a task message names it. */
export interface TaskRef {
  readonly id: string;
  readonly version: number;
}

/** A task this worker holds (claimed, not yet suspended, completed or released). */
interface HeldTask extends TaskRef {
  readonly pid: string;
  readonly ttl: number;
  /** Claimed by `resonate.run` (`task.create`): the SDK sends no heartbeat for it, this network does. */
  readonly heartbeat: boolean;
  /** The protocol version of the request that claimed it, for the requests this network sends itself. */
  readonly protocol: string;
}

/**
 * One worker's view of a {@link LocalStore}. After `stop()` it neither sends nor receives: a crashed worker; but
 * first it releases the tasks it holds, so that another worker takes them over at once.
 *
 * It also keeps the lease of the tasks that `resonate.run` claims: the SDK heartbeats only the tasks it claims from
 * a message, so without this a first pass (started by `run`) that outlived the lease would be run a second time
 * alongside.
 */
export class LocalWorkerNetwork implements ResonateNetwork {
  readonly unicast: string;
  readonly anycast: string;
  readonly #callbacks: Array<(message: Message) => void> = [];
  readonly #held = new Map<string, HeldTask>();
  /** How many held tasks this network heartbeats. */
  #beating = 0;
  #heartbeat: ReturnType<typeof setInterval> | undefined;
  #beatEveryMs = SDK_LEASE_MS / 2;
  #stopped = false;
  #protocolKnown = false;

  constructor(
    private readonly store: LocalStore,
    private readonly network: LocalNetwork,
    private readonly worker: boolean,
    private readonly acquired: AcquireHook | undefined,
  ) {
    this.unicast = network.unicast;
    this.anycast = network.anycast;
  }

  /** Whether this network's `Resonate` runs tasks: a worker that did not stop. */
  get takesTasks(): boolean {
    return this.worker && !this.#stopped;
  }

  match(target: string): string {
    return this.network.match(target);
  }

  async init(): Promise<void> {
    if (this.#stopped) return;
    this.store.join(this);
    // Idle until a task needs it; started here rather than with the first task, which would pay for it.
    if (this.worker) this.#startHeartbeat();
  }

  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#stopHeartbeat();
    this.#beating = 0;
    const held = [...this.#held.values()];
    this.#held.clear();
    await Promise.all(held.map((task) => this.#release(task)));
    this.store.leave(this);
  }

  send: ResonateNetwork['send'] = (request) => {
    if (this.#stopped) return Promise.reject(new Error('this Resonate worker was stopped'));
    // Applied by the in-process server right here, synchronously (LocalStore.claimRoot relies on it).
    const response = this.network.send(request);
    if (!this.#protocolKnown) {
      this.#protocolKnown = true;
      this.store.protocol(request.head.version);
    }
    switch (request.kind) {
      case 'task.acquire': {
        const hook = this.acquired;
        return (response as Promise<TaskAcquireRes>).then((res) => {
          this.#observe(request as TaskAcquireReq, res);
          return hook ? hook(this, request as TaskAcquireReq, res) : res;
        }) as typeof response;
      }
      case 'task.create':
      case 'task.suspend':
        return response.then((res) => {
          this.#observe(request as TaskCreateReq | TaskSuspendReq, res);
          return res;
        }) as typeof response;
      case 'task.fence': {
        const { action } = (request as TaskFenceReq).data;
        if (action.kind !== 'promise.create' || action.data.tags?.['resonate:timer'] !== 'true') return response;
        return response.then((res) => {
          const created = res.head.status === 200 ? (res.data as TaskFenceRes200['data']).action : undefined;
          if (created?.head.status === 200) {
            const { promise } = (created as PromiseCreateRes200).data;
            if (promise.state === 'pending') this.store.timer(promise.id, promise.timeoutAt);
          }
          return res;
        }) as typeof response;
      }
      case 'task.release':
        this.#drop((request as TaskReleaseReq).data);
        return response;
      case 'task.fulfill':
        this.#drop((request as TaskFulfillReq).data);
        return response.then((res) => {
          if (res.head.status === 200) this.store.settled((res.data as { promise: PromiseRecord }).promise);
          return res;
        }) as typeof response;
      default:
        return response;
    }
  };

  recv(callback: (message: Message) => void): void {
    this.#callbacks.push(callback);
  }

  deliver(message: Message): void {
    if (this.#stopped) return;
    for (const callback of this.#callbacks) callback(message);
  }

  /** Follows which tasks this worker holds, from the answers to its task requests. */
  #observe(
    request: TaskCreateReq | TaskAcquireReq | TaskSuspendReq,
    response: { head: { status: number }; data: unknown },
  ): void {
    if (request.kind === 'task.suspend') {
      // 300: the task stays claimed (something it awaits is settled already); 200: suspended.
      if (response.head.status === 200) this.#drop(request.data);
      return;
    }
    if (response.head.status !== 200) return;
    const data = (response as { data: { task?: TaskRecord; promise: { tags: Record<string, string> } } }).data;
    if (data.task?.state !== 'acquired' || data.promise.tags['resonate:timer'] === 'true') return;
    const { pid, ttl } = request.data;
    const task: HeldTask = {
      id: data.task.id,
      version: data.task.version,
      pid,
      ttl,
      heartbeat: request.kind === 'task.create',
      protocol: request.head.version,
    };
    if (this.#stopped) {
      void this.#release(task);
      return;
    }
    this.#drop(task);
    this.#held.set(task.id, task);
    if (task.heartbeat) {
      this.#beating++;
      if (ttl / 2 < this.#beatEveryMs) {
        this.#beatEveryMs = ttl / 2;
        this.#stopHeartbeat();
        this.#startHeartbeat();
      }
    }
  }

  #drop(task: TaskRef): void {
    const held = this.#held.get(task.id);
    if (!held || held.version > task.version) return;
    this.#held.delete(task.id);
    if (held.heartbeat) this.#beating--;
  }

  /** Hands a task back to the store (pending again, its message sent to another worker). */
  async #release(task: HeldTask): Promise<void> {
    const response = await this.network.send({
      kind: 'task.release',
      head: { corrId: crypto.randomUUID(), version: task.protocol },
      data: { id: task.id, version: task.version },
    });
    if (response.head.status === 200) this.store.handedBack(task);
  }

  /**
   * Starts the heartbeat (once: it runs until the worker stops, idle while no task needs it), every half of the
   * shortest lease this worker's tasks can have: the SDK's (one minute), unless a task claims a shorter one.
   */
  #startHeartbeat(): void {
    if (this.#heartbeat) return;
    this.#heartbeat = setInterval(() => this.#beat(), this.#beatEveryMs);
    // The lease matters only while the process runs something else: the heartbeat never keeps it alive.
    this.#heartbeat.unref();
  }

  #stopHeartbeat(): void {
    clearInterval(this.#heartbeat);
    this.#heartbeat = undefined;
  }

  #beat(): void {
    if (this.#beating === 0) return;
    const byPid = new Map<string, HeldTask[]>();
    for (const task of this.#held.values()) {
      if (task.heartbeat) byPid.set(task.pid, [...(byPid.get(task.pid) ?? []), task]);
    }
    for (const [pid, tasks] of byPid) {
      void this.network.send({
        kind: 'task.heartbeat',
        head: { corrId: crypto.randomUUID(), version: (tasks[0] as HeldTask).protocol },
        data: { pid, tasks: tasks.map(({ id, version }) => ({ id, version })) },
      });
    }
  }
}
