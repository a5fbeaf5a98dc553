import { DEFAULT_MAX_PAYLOAD_BYTES } from '@durable-runtime/core';
import { z } from 'zod';
import { DEFAULT_LEASE_MS, DEFAULT_POLL_MS, DEFAULT_RETENTION_MS, DEFAULT_SQLITE_PATH } from './options.js';

const wholeNumber = (field: string, min: number) =>
  z.coerce
    .number({ message: `${field} must be a whole number of milliseconds` })
    .int({ message: `${field} must be a whole number of milliseconds` })
    .min(min, { message: `${field} must be at least ${min}` });

/**
 * The configuration of `createRuntime({ backend: 'sqlite', ... })`. From the environment (`loadConfig`): each field
 * is `DURABLE_SQLITE_<FIELD>` (`DURABLE_SQLITE_PATH`, `DURABLE_SQLITE_LEASE_MS`...), plus `DURABLE_WORKER` and
 * `DURABLE_MAX_PAYLOAD_BYTES`.
 */
export const SqliteConfigSchema = z.strictObject({
  backend: z.literal('sqlite'),
  /** The database file, created with its directory on first use. */
  path: z.string().min(1, { message: 'path must name a file' }).default(DEFAULT_SQLITE_PATH),
  /** `normal`: durable against a process kill; `full`: against power loss too (one fsync per commit). */
  synchronous: z.enum(['normal', 'full'], { message: 'synchronous must be normal or full' }).default('normal'),
  leaseMs: wholeNumber('leaseMs', 100).default(DEFAULT_LEASE_MS),
  pollMs: wholeNumber('pollMs', 1).default(DEFAULT_POLL_MS),
  retentionMs: wholeNumber('retentionMs', 0).default(DEFAULT_RETENTION_MS),
  busyTimeoutMs: wholeNumber('busyTimeoutMs', 0).default(5_000),
  /** `virtual`: time jumps to the next timer when nothing runs (tests). */
  clock: z.enum(['real', 'virtual'], { message: 'clock must be real or virtual' }).default('real'),
  worker: z.union([z.boolean(), z.stringbool()], { message: 'worker must be true or false' }).default(true),
  maxPayloadBytes: z.coerce
    .number({ message: 'maxPayloadBytes must be a whole number of bytes' })
    .int({ message: 'maxPayloadBytes must be a whole number of bytes' })
    .min(1, { message: 'maxPayloadBytes must be at least 1' })
    .default(DEFAULT_MAX_PAYLOAD_BYTES),
});

export type SqliteConfig = z.output<typeof SqliteConfigSchema>;
export type SqliteConfigInput = z.input<typeof SqliteConfigSchema>;
