import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Options } from './cli.js';
import type { EngineResult } from './results.js';

/**
 * Measures one engine in a process of its own (this script again, with `--engine-result`): what earlier engines
 * left in a process (compiled code, heap, threads of their SDKs) must not weigh on the next one, and a partial run
 * (`--engines x`) then measures an engine exactly as a full run does. Its progress goes to this process's stderr.
 */
export async function measureInOwnProcess(engine: string, options: Options): Promise<EngineResult> {
  const folder = mkdtempSync(join(tmpdir(), 'durable-bench-'));
  const file = join(folder, 'result.json');
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(
        process.execPath,
        [runScript(), ...childArguments(engine, options), '--engine-result', file],
        {
          stdio: ['ignore', 'ignore', 'inherit'],
        },
      );
      child.once('error', reject);
      child.once('exit', resolve);
    });
    const results = readResults(file);
    const result = results?.[0];
    if (!result) return { engine, status: 'failed', reason: `its measuring process exited with code ${code}` };
    return result;
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

function runScript(): string {
  return fileURLToPath(new URL('./run.js', import.meta.url));
}

function childArguments(engine: string, options: Options): string[] {
  return [
    '--engines',
    engine,
    ...(options.mode === 'quick' ? ['--quick'] : []),
    ...(options.workloads ? ['--workloads', options.workloads.join(',')] : []),
    ...(options.peers ? ['--peers', options.peers.length > 0 ? options.peers.join(',') : 'none'] : []),
    ...(options.rounds === undefined ? [] : ['--rounds', String(options.rounds)]),
  ];
}

function readResults(file: string): EngineResult[] | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as EngineResult[];
  } catch {
    return undefined;
  }
}
