import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { ExecutionRecord, ExecutionStore } from '@durable-runtime/memory';
import { DEFAULT_SQLITE_PATH, type SqliteStoreOptions } from './options.js';
import { SqliteConnection } from './sqlite-connection.js';

/** A store in one SQLite file: every engine, in this process or another, opens its own connection to it. */
export interface SqliteStore extends ExecutionStore {
  /** The file's absolute path. */
  readonly path: string;
  /** Closes the reader that `read` and `ids` use (engines close their own connections). */
  close(): void;
}

/**
 * Opens (creating it and its directory on first use) the SQLite file of the engine's executions.
 * @throws SqliteFileError naming the path when it is locked, corrupt, unopenable or written by a newer version
 */
export function openSqliteStore(path: string = DEFAULT_SQLITE_PATH, options: SqliteStoreOptions = {}): SqliteStore {
  const absolute = path === ':memory:' ? path : resolve(path);
  if (absolute !== ':memory:') mkdirSync(dirname(absolute), { recursive: true });
  // Opened now, so that a bad file fails here, with its path, and not at the first call. Kept open: while one
  // connection is open the WAL file stays, and an engine's first commit does not create it again (0.4 ms).
  let reader: SqliteConnection | undefined = new SqliteConnection(absolute, false, options, false);
  const tools = () => {
    reader ??= new SqliteConnection(absolute, false, options, false);
    return reader;
  };
  return {
    path: absolute,
    connect: ({ worker }) => new SqliteConnection(absolute, worker, options),
    read: (id: string): ExecutionRecord | undefined => tools().read(id),
    ids: () => tools().ids(),
    close() {
      reader?.close(false);
      reader = undefined;
    },
  };
}
