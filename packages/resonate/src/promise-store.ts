import { Codec, type PromiseRecord } from '@resonatehq/sdk';
import type { Resonate } from '@resonatehq/sdk/async';

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

  constructor(promises: Promises) {
    this.#promises = promises;
  }

  /** The promise, or `undefined` when no promise has this id. */
  async get(id: string): Promise<StoredPromise | undefined> {
    try {
      return this.#decode(await this.#promises.get(id));
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
    return this.#decode(record);
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
      return this.#decode(record);
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

  #decode(record: PromiseRecord): StoredPromise {
    const decoded = this.#codec.decodePromise(record);
    return {
      id: decoded.id,
      state: decoded.state,
      param: decoded.param?.data,
      value: decoded.value?.data,
      tags: decoded.tags ?? {},
    };
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
