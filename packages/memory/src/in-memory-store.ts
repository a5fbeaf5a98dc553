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
  const owned = new Map<string, string>();
  const inbound = new Map<string, string>();
  const statuses = new Map<string, RecordStatus>();
  const owners = new Map<string, InMemoryConnection>();
  const connections = new Set<InMemoryConnection>();

  /** Records held by reference, as last written by the worker connection that runs (or ran) them. */
  const held = new Map<string, { readonly record: ExecutionRecord; readonly by: InMemoryConnection }>();

  const readOwned = (id: string) => {
    const live = held.get(id);
    if (live) return jsonCopy(ownedFields(live.record));
    const json = owned.get(id);
    return json === undefined ? undefined : (JSON.parse(json) as Owned);
  };
  const readInbound = (id: string) => {
    const json = inbound.get(id);
    return json === undefined ? undefined : (JSON.parse(json) as InboundFields);
  };
  const read = (id: string): ExecutionRecord | undefined => {
    const fields = readOwned(id);
    return fields && { ...fields, ...(readInbound(id) as InboundFields) };
  };
  const isEnded = (id: string) => ENDED_STATUSES.has(statuses.get(id) as RecordStatus);
  /** Every execution: `statuses` has one entry per execution, held or serialized. */
  const ids = () => [...statuses.keys()];
  const setOwned = (fields: Owned) => {
    held.delete(fields.id);
    owned.set(fields.id, JSON.stringify(fields));
    statuses.set(fields.id, fields.status);
  };
  const hold = (record: ExecutionRecord, by: InMemoryConnection) => {
    held.set(record.id, { record, by });
    statuses.set(record.id, record.status);
  };
  /** Serializes what a closing connection holds: what it does to its records afterwards is not the store's. */
  const release = (by: InMemoryConnection) => {
    for (const live of [...held.values()]) if (live.by === by) setOwned(ownedFields(live.record));
  };

  class InMemoryConnection implements StoreConnection {
    #listener: ((id: string) => void) | undefined;
    #open = true;

    constructor(readonly worker: boolean) {}

    read = read;
    readInbound = readInbound;

    create(record: ExecutionRecord) {
      const existing = read(record.id);
      if (existing) return existing;
      inbound.set(record.id, JSON.stringify(inboundOf(record)));
      if (this.worker) {
        hold(record, this);
        owners.set(record.id, this);
      } else {
        setOwned(ownedFields(record));
      }
      this.#changed(record.id);
      return undefined;
    }

    write(record: ExecutionRecord) {
      hold(record, this);
      if (ENDED_STATUSES.has(record.status)) owners.delete(record.id);
      this.#changed(record.id);
    }

    settle(id: string, name: string, settlement: PromiseSettlement) {
      if (isEnded(id)) return 'ended' as const;
      const fields = readInbound(id) as InboundFields;
      if (hasOwnKey(fields.promises, name)) return 'lost' as const;
      setOwn(fields.promises, name, settlement);
      this.#setInbound(id, fields);
      return 'won' as const;
    }

    deliver(id: string, channel: string, message: unknown) {
      if (isEnded(id)) return 'ended' as const;
      const fields = readInbound(id) as InboundFields;
      setOwn(fields.mailbox, channel, [...(ownValue(fields.mailbox, channel) ?? []), message]);
      this.#setInbound(id, fields);
      return 'accepted' as const;
    }

    requestCancel(id: string, outcome: ExecutionOutcome) {
      const status = statuses.get(id);
      if (status === 'scheduled') {
        const fields = readOwned(id) as Owned;
        setOwned({ ...fields, status: 'cancelled', outcome });
        owners.delete(id);
      }
      if (status === 'scheduled' || status === 'running') {
        this.#setInbound(id, { ...(readInbound(id) as InboundFields), cancelRequested: true });
      }
    }

    begin(id: string) {
      if (statuses.get(id) !== 'scheduled') return false;
      const fields = readOwned(id) as Owned;
      setOwned({ ...fields, status: 'running' });
      this.#changed(id);
      return true;
    }

    claim(id: string) {
      const owner = owners.get(id);
      if (!this.worker || (owner !== undefined && owner !== this && owner.#open) || isEnded(id)) return false;
      owners.set(id, this);
      return true;
    }

    claimable() {
      return ids().filter((id) => {
        const owner = owners.get(id);
        return !isEnded(id) && (owner === undefined || !owner.#open);
      });
    }

    flush() {}

    subscribe(listener: (id: string) => void) {
      this.#listener = listener;
    }

    close(_release: boolean) {
      release(this);
      this.#open = false;
      this.#listener = undefined;
      connections.delete(this);
    }

    #setInbound(id: string, fields: InboundFields) {
      inbound.set(id, JSON.stringify(fields));
      this.#changed(id);
    }

    /** Tells the other connections, in a later microtask: never inside this connection's call. */
    #changed(id: string) {
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

  return {
    connect({ worker }) {
      const connection = new InMemoryConnection(worker);
      connections.add(connection);
      return connection;
    },
    read,
    ids,
  };
}

function inboundOf(record: ExecutionRecord): InboundFields {
  return { cancelRequested: record.cancelRequested, promises: record.promises, mailbox: record.mailbox };
}
