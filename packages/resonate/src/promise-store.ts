import { Codec, type PromiseRecord } from '@resonatehq/sdk';
import type { Resonate } from '@resonatehq/sdk/async';
import type { LocalStore } from './local-store.js';

/** A timeout that never comes: about a hundred years, in milliseconds. */
export const FOREVER_MS = 100 * 365 * 24 * 60 * 60 * 1000;

export type PromiseState = PromiseRecord['state'];
/** The states a settlement can write. */
export type SettleState = 'resolved' | 'rejected' | 'rejected_canceled';

/** A durable promise as the adapter reads it: `param` and `value` decoded from the SDK's encoding. */
export interface StoredPromise {
  readonly id: string;
  readonly state: PromiseState;
  readonly param: unknown;
  readonly value: unknown;
  readonly tags: Readonly<Record<string, string>>;
  /** When Resonate times the promise out (a timer's deadline). */
  readonly timeoutAt: number;
}

type Promises = Resonate['promises'];

/**
 * The adapter's view of Resonate's store of durable promises: get, create (idempotent: an existing id returns the
 * existing promise) and settle (write-once: settling a settled promise returns the winner). Values use the SDK's
 * codec, so workflows read them exactly as the SDK decodes its own.
 */
export class PromiseStore {
  readonly #promises: Promises;
  readonly #codec = new Codec();

  constructor(
    promises: Promises,
    private readonly local?: LocalStore,
  ) {
    this.#promises = promises;
  }

  /** The promise, or `undefined` when no promise has this id. */
  async get(id: string): Promise<StoredPromise | undefined> {
    const read = this.local?.read(id);
    if (read) {
      const record = await read;
      return record && this.decode(record);
    }
    try {
      return this.decode(await this.#promises.get(id));
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  /**
   * Creates a pending promise in the lineage of `executionId` carrying `param`, or returns the existing one.
   * It never times out.
   */
  async create(id: string, executionId: string, param?: unknown): Promise<StoredPromise> {
    const encoded = this.#codec.encode(param);
    const record = await this.#promises.create(id, Date.now() + FOREVER_MS, {
      headers: encoded.headers ?? {},
      data: encoded.data ?? '',
      tags: lineageTags(id, executionId),
    });
    return this.decode(record);
  }

  /**
   * Creates a timer promise, or returns the existing one: Resonate resolves it (without a value) at `deadline`
   * unless someone settled it first. Armed in the local store, which settles it at the deadline.
   */
  async createTimer(id: string, executionId: string, deadline: number, target: string): Promise<StoredPromise> {
    const record = await this.#promises.create(id, deadline, {
      headers: {},
      data: '',
      tags: { ...lineageTags(id, executionId), 'resonate:timer': 'true', 'resonate:target': target },
    });
    if (record.state === 'pending') this.local?.timer(record.id, record.timeoutAt);
    return this.decode(record);
  }

  /** Settles a promise; returns the winning settlement, or `undefined` when the promise does not exist. */
  async settle(id: string, state: SettleState, value: unknown): Promise<StoredPromise | undefined> {
    const encoded = this.#codec.encode(value);
    try {
      const payload = { headers: encoded.headers ?? {}, data: encoded.data ?? '' };
      const record =
        state === 'resolved'
          ? await this.#promises.resolve(id, payload)
          : state === 'rejected'
            ? await this.#promises.reject(id, payload)
            : await this.#promises.cancel(id, payload);
      return this.decode(record);
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  /** Settles a promise, creating it first when it does not exist yet. Returns the winning settlement. */
  async settleOrCreate(id: string, executionId: string, state: SettleState, value: unknown): Promise<StoredPromise> {
    const settled = await this.settle(id, state, value);
    if (settled) return settled;
    await this.create(id, executionId);
    return (await this.settle(id, state, value)) as StoredPromise;
  }

  /**
   * First-writer-wins write: creates the promise and resolves it with `value` unless someone settled it first.
   * Returns the winning promise (its `value` is the winner's).
   */
  async claim(id: string, executionId: string, value: unknown): Promise<StoredPromise> {
    const existing = await this.create(id, executionId);
    if (existing.state !== 'pending') return existing;
    return this.settleOrCreate(id, executionId, 'resolved', value);
  }

  /**
   * Single-writer record: the value is in `param` from the moment the promise exists (so readers never see a
   * half-written record), and the promise is resolved with it.
   */
  async record(id: string, executionId: string, value: unknown): Promise<void> {
    const created = await this.create(id, executionId, value);
    if (created.state === 'pending') await this.settle(id, 'resolved', value);
  }

  /** A promise record as the SDK's store returns it, decoded: `param` and `value` when read (most callers read one of them, or only the state). */
  decode(record: PromiseRecord): StoredPromise {
    // Local mode: whoever watches this promise in a running pass learns of its settlement (see LocalStore.watch).
    if (record.state !== 'pending') this.local?.observe(record);
    return new DecodedPromise(record, this.#codec);
  }
}

const UNREAD = Symbol('unread');

class DecodedPromise implements StoredPromise {
  readonly id: string;
  readonly state: PromiseState;
  readonly tags: Readonly<Record<string, string>>;
  readonly timeoutAt: number;
  #param: unknown = UNREAD;
  #value: unknown = UNREAD;

  constructor(
    private readonly record: PromiseRecord,
    private readonly codec: Codec,
  ) {
    this.id = record.id;
    this.state = record.state;
    this.tags = record.tags ?? {};
    this.timeoutAt = record.timeoutAt;
  }

  get param(): unknown {
    if (this.#param === UNREAD) this.#param = this.codec.decode(this.record.param);
    return this.#param;
  }

  get value(): unknown {
    if (this.#value === UNREAD) this.#value = this.codec.decode(this.record.value);
    return this.#value;
  }
}

/** Tags that place a promise in the lineage of an execution (what the Resonate server checks on create). */
function lineageTags(id: string, executionId: string): Record<string, string> {
  return {
    'resonate:scope': 'global',
    'resonate:origin': executionId,
    'resonate:parent': executionId,
    'resonate:branch': id,
  };
}

function isNotFound(error: unknown): boolean {
  return (error as { serverError?: { code?: number } } | undefined)?.serverError?.code === 404;
}
