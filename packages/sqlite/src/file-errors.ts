import { EngineConnectionError } from '@durable-runtime/core';

/** Why a SQLite file could not be used. */
export type SqliteFileProblem = 'locked' | 'corrupt' | 'unopenable' | 'newer-schema' | 'io';

const ADVICE: Record<SqliteFileProblem, string> = {
  locked:
    'another process holds a write lock longer than the busy timeout: retry, or raise busyTimeoutMs (DURABLE_SQLITE_BUSY_TIMEOUT_MS)',
  corrupt:
    'the file is not a durable-runtime SQLite database or is damaged: restore it from a backup, or move it away to start afresh',
  unopenable: 'the file or its directory cannot be created or opened: check the path and its permissions',
  'newer-schema': 'it was written by a newer @durable-runtime/sqlite: upgrade this package to open it',
  io: 'the disk refused a read or a write (full, removed or read-only)',
};

/** A SQLite file that cannot be opened or used: names the file, the problem and what to do. Nothing stored is lost. */
export class SqliteFileError extends EngineConnectionError {
  constructor(
    readonly path: string,
    readonly problem: SqliteFileProblem,
    detail: string,
  ) {
    super('sqlite', 'DURABLE_SQLITE_PATH', path, `${ADVICE[problem]} (${detail})`);
  }

  protected override toData() {
    return { ...super.toData(), path: this.path, problem: this.problem };
  }
}

/** SQLite's primary result codes that name a file problem. */
const PROBLEM_OF_CODE: Record<number, SqliteFileProblem> = {
  5: 'locked', // SQLITE_BUSY
  6: 'locked', // SQLITE_LOCKED
  10: 'io', // SQLITE_IOERR
  11: 'corrupt', // SQLITE_CORRUPT
  13: 'io', // SQLITE_FULL
  14: 'unopenable', // SQLITE_CANTOPEN
  8: 'unopenable', // SQLITE_READONLY
  26: 'corrupt', // SQLITE_NOTADB
};

/** The {@link SqliteFileError} for an error node:sqlite threw, or the error itself when it is not about the file. */
export function fileError(path: string, error: unknown): unknown {
  const code = (error as { errcode?: unknown }).errcode;
  const problem = typeof code === 'number' ? PROBLEM_OF_CODE[code & 0xff] : undefined;
  return problem ? new SqliteFileError(path, problem, (error as Error).message) : error;
}
