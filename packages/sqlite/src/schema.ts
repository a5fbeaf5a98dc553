import type { DatabaseSync } from 'node:sqlite';
import { SqliteFileError } from './file-errors.js';

/**
 * The schema's migrations, oldest first: migration `n` brings a file from `user_version` n-1 to n. A new version
 * appends one; a released one never changes, so a file written by any older version opens and is brought forward.
 */
export const MIGRATIONS: readonly string[] = [
  // 1: executions (the worker's fields as JSON in `body`), and the inbound promises and messages as rows.
  `CREATE TABLE executions (
     id TEXT PRIMARY KEY,
     workflow TEXT NOT NULL,
     status TEXT NOT NULL,
     start_at INTEGER,
     cancel_requested INTEGER NOT NULL DEFAULT 0,
     body TEXT NOT NULL,
     owner TEXT,
     lease_until INTEGER,
     changed INTEGER NOT NULL
   );
   CREATE INDEX executions_by_change ON executions (changed);
   CREATE INDEX executions_unfinished ON executions (status, lease_until) WHERE status IN ('scheduled', 'running');
   CREATE TABLE promises (
     execution_id TEXT NOT NULL,
     name TEXT NOT NULL,
     settlement TEXT NOT NULL,
     PRIMARY KEY (execution_id, name)
   ) WITHOUT ROWID;
   CREATE TABLE messages (
     execution_id TEXT NOT NULL,
     channel TEXT NOT NULL,
     seq INTEGER NOT NULL,
     message TEXT NOT NULL,
     PRIMARY KEY (execution_id, channel, seq)
   ) WITHOUT ROWID;`,
  // 2: when an execution ended, for retention.
  `ALTER TABLE executions ADD COLUMN ended_at INTEGER;
   CREATE INDEX executions_ended ON executions (ended_at) WHERE ended_at IS NOT NULL;`,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** Brings the file's schema to {@link SCHEMA_VERSION} in one transaction. @throws SqliteFileError for a newer file */
export function migrate(db: DatabaseSync, path: string, upTo = SCHEMA_VERSION): void {
  const version = userVersion(db);
  if (version > SCHEMA_VERSION) {
    throw new SqliteFileError(
      path,
      'newer-schema',
      `schema version ${version}, this package reads up to ${SCHEMA_VERSION}`,
    );
  }
  if (version >= upTo) return;
  db.exec('BEGIN IMMEDIATE');
  try {
    // Another process may have migrated between the first read and the lock.
    for (let next = userVersion(db); next < upTo; next++) {
      db.exec(MIGRATIONS[next] as string);
      db.exec(`PRAGMA user_version = ${next + 1}`);
    }
    db.exec('COMMIT');
  } catch (error) {
    db.exec('ROLLBACK');
    throw error;
  }
}

export function userVersion(db: DatabaseSync): number {
  return (db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version;
}
