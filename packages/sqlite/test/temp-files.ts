import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

/** A temporary directory for this test file's databases, removed after the file's tests. */
export function tempFiles(prefix: string): (name?: string) => string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  let count = 0;
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return (name = `db-${count++}`) => join(dir, `${name}.sqlite`);
}
