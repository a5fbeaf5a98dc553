import { jsonCopy } from '@durable-runtime/core';
import type { ExecutionOutcome, PromiseSettlement } from '@durable-runtime/core/spi';
import { hasOwnKey, ownValue, setOwn } from './own-keys.js';
import {
  ENDED_STATUSES,
  type ExecutionRecord,
  type ExecutionStore,
  type InboundFields,
  ownedFields,
  type RecordStatus,
  type StoreConnection,
} from './store.js';

type Owned = ReturnType<typeof ownedFields>;

/**
 * The default store: maps of JSON strings, one for the fields the worker owns and one for the inbound fields.
 * The record of an execution a worker created or wrote is held by reference instead (serializing the whole record
 * at every write was a third of the engine's time on ten sequential steps, and its creation and end a tenth after
 * that): reads copy it, and its connection's close or crash serializes it, so no object is shared between an engine
 * and what a new runtime reads (a crashed runtime cannot corrupt it). A closed connection's claims end at once: in one
 * process, a crashed engine is gone.
 */
export function createInMemoryStore(): ExecutionStore {
  const maps = new StoreMaps();
  return {
    connect({ worker }) {
      const connection = new InMemoryConnection(maps, worker);
      maps.connections.add(connection);
      return connection;
    },
    read: (id) => maps.read(id),
    ids: () => maps.ids(),
  };
}

/** What one store holds. A class of the module, not one per store: a fresh runtime creates a store. */
class StoreMaps {
  readonly owned = new Map<string, string>();
  readonly inbound = new Map<string, string>();
  readonly statuses = new Map<string, RecordStatus>();
  readonly owners = new Map<string, InMemoryConnection>();
  readonly connections = new Set<InMemoryConnection>();
  /** Records held by reference, as last written by the worker connection that runs (or ran) them. */
  readonly held = new Map<string, { readonly record: ExecutionRecord; readonly by: InMemoryConnection }>();

  readOwned(id: string): Owned | undefined {
    const live = this.held.get(id);
    if (live) return jsonCopy(ownedFields(live.record));
    const json = this.owned.get(id);
    return json === undefined ? undefined : (JSON.parse(json) as Owned);
  }

  readInbound(id: string): InboundFields | undefined {
    const json = this.inbound.get(id);
    return json === undefined ? undefined : (JSON.parse(json) as InboundFields);
  }

  read(id: string): ExecutionRecord | undefined {
    const fields = this.readOwned(id);
    return fields && { ...fields, ...(this.readInbound(id) as InboundFields) };
  }

  isEnded(id: string): boolean {
    return ENDED_STATUSES.has(this.statuses.get(id) as RecordStatus);
  }

  /** Every execution: `statuses` has one entry per execution, held or serialized. */
  ids(): string[] {
    return [...this.statuses.keys()];
  }

  setOwned(fields: Owned): void {
    this.held.delete(fields.id);
    this.owned.set(fields.id, JSON.stringify(fields));
    this.statuses.set(fields.id, fields.status);
  }

  hold(record: ExecutionRecord, by: InMemoryConnection): void {
    this.held.set(record.id, { record, by });
    this.statuses.set(record.id, record.status);
  }

  /** Serializes what a closing connection holds: what it does to its records afterwards is not the store's. */
  release(by: InMemoryConnection): void {
    for (const live of [...this.held.values()]) if (live.by === by) this.setOwned(ownedFields(live.record));
  }
}

class InMemoryConnection implements StoreConnection {
  #listener: ((id: string) => void) | undefined;
  #open = true;

  constructor(
    private readonly maps: StoreMaps,
    readonly worker: boolean,
  ) {}

  read(id: string): ExecutionRecord | undefined {
    return this.maps.read(id);
  }

  readInbound(id: string): InboundFields | undefined {
    return this.maps.readInbound(id);
  }

  create(record: ExecutionRecord) {
    const { maps } = this;
    const existing = maps.read(record.id);
    if (existing) return existing;
    maps.inbound.set(record.id, JSON.stringify(inboundOf(record)));
    if (this.worker) {
      maps.hold(record, this);
      maps.owners.set(record.id, this);
    } else {
      maps.setOwned(ownedFields(record));
    }
    this.#changed(record.id);
    return undefined;
  }

  write(record: ExecutionRecord) {
    this.maps.hold(record, this);
    if (ENDED_STATUSES.has(record.status)) this.maps.owners.delete(record.id);
    this.#changed(record.id);
  }

  settle(id: string, name: string, settlement: PromiseSettlement) {
    if (this.maps.isEnded(id)) return 'ended' as const;
    const fields = this.maps.readInbound(id) as InboundFields;
    if (hasOwnKey(fields.promises, name)) return 'lost' as const;
    setOwn(fields.promises, name, settlement);
    this.#setInbound(id, fields);
    return 'won' as const;
  }

  deliver(id: string, channel: string, message: unknown) {
    if (this.maps.isEnded(id)) return 'ended' as const;
    const fields = this.maps.readInbound(id) as InboundFields;
    setOwn(fields.mailbox, channel, [...(ownValue(fields.mailbox, channel) ?? []), message]);
    this.#setInbound(id, fields);
    return 'accepted' as const;
  }

  requestCancel(id: string, outcome: ExecutionOutcome) {
    const { maps } = this;
    const status = maps.statuses.get(id);
    if (status === 'scheduled') {
      const fields = maps.readOwned(id) as Owned;
      maps.setOwned({ ...fields, status: 'cancelled', outcome });
      maps.owners.delete(id);
    }
    if (status === 'scheduled' || status === 'running') {
      this.#setInbound(id, { ...(maps.readInbound(id) as InboundFields), cancelRequested: true });
    }
  }

  begin(id: string) {
    const { maps } = this;
    if (maps.statuses.get(id) !== 'scheduled') return false;
    const fields = maps.readOwned(id) as Owned;
    maps.setOwned({ ...fields, status: 'running' });
    this.#changed(id);
    return true;
  }

  claim(id: string) {
    const owner = this.maps.owners.get(id);
    if (!this.worker || (owner !== undefined && owner !== this && owner.#open) || this.maps.isEnded(id)) return false;
    this.maps.owners.set(id, this);
    return true;
  }

  claimable() {
    return this.maps.ids().filter((id) => {
      const owner = this.maps.owners.get(id);
      return !this.maps.isEnded(id) && (owner === undefined || !owner.#open);
    });
  }

  flush() {}

  subscribe(listener: (id: string) => void) {
    this.#listener = listener;
  }

  close(_release: boolean) {
    this.maps.release(this);
    this.#open = false;
    this.#listener = undefined;
    this.maps.connections.delete(this);
  }

  #setInbound(id: string, fields: InboundFields) {
    this.maps.inbound.set(id, JSON.stringify(fields));
    this.#changed(id);
  }

  /** Tells the other connections, in a later microtask: never inside this connection's call. */
  #changed(id: string) {
    const { connections } = this.maps;
    if (connections.size === 1 && connections.has(this)) return;
    for (const connection of connections) {
      if (connection !== this && connection.#listener) {
        const listener = connection.#listener;
        queueMicrotask(() => {
          if (connection.#open) listener(id);
        });
      }
    }
  }
}

function inboundOf(record: ExecutionRecord): InboundFields {
  return { cancelRequested: record.cancelRequested, promises: record.promises, mailbox: record.mailbox };
}
