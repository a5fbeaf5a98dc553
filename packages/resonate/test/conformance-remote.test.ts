import { ConfigError } from '@durable-runtime/core';
import { vi } from 'vitest';
import { runResonateConformance } from './resonate-conformance.js';

// The suite on a Resonate server (RESONATE_URL) or a PostgreSQL database with the resonate-pg schema
// (RESONATE_POSTGRES_URL) that the user names: `pnpm conformance:report --backend resonate`. Neither can be installed
// from the registries this project reaches, so this file runs only where one is named (vitest.config.ts leaves it out
// otherwise); run without either, it fails at once rather than passing empty.
const url = process.env.RESONATE_URL || undefined;
const postgresUrl = process.env.RESONATE_POSTGRES_URL || undefined;
if (!url && !postgresUrl) {
  throw new ConfigError(
    'conformance-remote.test.ts runs the suite on a Resonate server or database: set RESONATE_URL (e.g. ' +
      'http://127.0.0.1:8001) or RESONATE_POSTGRES_URL (a PostgreSQL database with the resonate-pg schema)',
  );
}

// A worker that stops (a simulated restart) keeps its tasks until the SDK's lease lapses (a minute) on a server.
vi.setConfig({ testTimeout: 180_000 });

/** Every runtime the suite opens gets a group of its own (its restarts and clients share it), so no test group of
 * this run, or of an earlier one on the same server, takes another's tasks. */
const freshGroup = () => `conformance-${crypto.randomUUID().slice(0, 8)}`;

if (url) runResonateConformance('resonate (Resonate server)', () => ({ url, group: freshGroup() }));
if (postgresUrl) runResonateConformance('resonate (PostgreSQL store)', () => ({ postgresUrl, group: freshGroup() }));
