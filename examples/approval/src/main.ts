// Human in the loop on the backend chosen by DURABLE_BACKEND (memory when unset).
//   node dist/main.js            a scripted session: three refund requests; one approved, one rejected, one expires
//   node dist/main.js shell      the CLI on stdin, one command a line (the memory engine lives in this process)
//   node dist/main.js <command>  one CLI command against a real engine (e.g. `list`, `approve <id>`); with
//                                DURABLE_WORKER=false when the workers run elsewhere
import { createInterface } from 'node:readline';
import { createRuntime, loadConfig } from '@durable-runtime/core';
import { type ApprovalResult, approval, registry } from './approval.js';
import { type Cli, closeDesk, decide, listPending, openDesk, requestApproval, runCommand, USAGE } from './cli.js';

export async function runApprovalDemo(env: NodeJS.ProcessEnv = process.env, log = console.log) {
  const runtime = await createRuntime(loadConfig(env, { defaultBackend: 'memory' }), registry);
  const stamp = Date.now();
  const cli: Cli = { runtime, desk: `approval-desk-${stamp}`, user: 'grace', log };
  try {
    await openDesk(cli);
    const filed = [
      { id: `refund-${stamp}-1`, title: 'Broken kettle, order A-17', amountCents: 4_900, timeoutMs: 3_600_000 },
      { id: `refund-${stamp}-2`, title: 'Changed my mind, order B-3', amountCents: 129_00, timeoutMs: 3_600_000 },
      { id: `refund-${stamp}-3`, title: 'Late delivery, order C-9', amountCents: 1_500, timeoutMs: 1_500 },
    ];
    for (const request of filed) await requestApproval(cli, request);
    const [kettle, mind, late] = filed.map((request) => request.id) as [string, string, string];
    const pendingAtFirst = await waitForPending(cli, 3);
    log(`[${runtime.backend}] $ approval list`);
    await runCommand(cli, ['list']);
    log(`[${runtime.backend}] $ approval approve ${kettle} receipt checked`);
    await runCommand(cli, ['approve', kettle, 'receipt', 'checked']);
    log(`[${runtime.backend}] $ approval reject ${mind} outside the return window`);
    await runCommand(cli, ['reject', mind, 'outside', 'the', 'return', 'window']);

    const results: Record<string, ApprovalResult> = {};
    for (const id of [kettle, mind, late]) {
      results[id] = await runtime.handle(approval, id).result();
      log(`[${runtime.backend}] ${id}: ${JSON.stringify(results[id])}`);
    }
    const pendingAtEnd = await waitForPending(cli, 0);
    log(`[${runtime.backend}] $ approval list`);
    await runCommand(cli, ['list']);
    const lateDecision = await decide(cli, late, true, 'too late');
    log(`[${runtime.backend}] approving ${late} now changes nothing: it is ${lateDecision}`);
    // The reminder timer fired halfway for the request nobody decided; the others were decided before it.
    const reminded = await Promise.all([kettle, late].map((id) => runtime.handle(approval, id).getState('reminded')));
    await closeDesk(cli);
    return { ids: { kettle, mind, late }, results, pendingAtFirst, pendingAtEnd, lateDecision, reminded };
  } finally {
    await runtime.close();
  }
}

/** Waits until the desk lists `count` pending requests (requests register with the desk by message). */
async function waitForPending(cli: Cli, count: number, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const pending = await listPending(cli);
    if (pending.length === count) return pending;
    if (Date.now() > deadline) throw new Error(`the desk lists ${pending.length} requests, not ${count}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The CLI on stdin: one command a line, until end of input or `quit`. */
export async function runShell(env: NodeJS.ProcessEnv, input: NodeJS.ReadableStream, log = console.log) {
  const runtime = await createRuntime(loadConfig(env, { defaultBackend: 'memory' }), registry);
  const cli: Cli = { runtime, desk: 'approval-desk', user: env.USER ?? 'someone', log };
  try {
    await openDesk(cli);
    log(`[${runtime.backend}] approval shell; ${USAGE.replace('commands:', 'commands (and quit):')}`);
    for await (const line of createInterface({ input })) {
      const words = line.trim().split(/\s+/).filter(Boolean);
      if (words[0] === 'quit') break;
      if (words.length > 0) await runCommand(cli, words);
    }
  } finally {
    await runtime.close();
  }
}

/** Runs one CLI command against the configured engine; returns the exit code. */
export async function runOnce(env: NodeJS.ProcessEnv, argv: readonly string[], log = console.log): Promise<number> {
  const runtime = await createRuntime(loadConfig(env, { defaultBackend: 'memory' }), registry);
  if (runtime.backend === 'memory') log('(the memory engine lives in this process: use `shell` to keep it)');
  try {
    return await runCommand({ runtime, desk: 'approval-desk', user: env.USER ?? 'someone', log }, argv);
  } finally {
    await runtime.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [command, ...args] = process.argv.slice(2);
  if (!command) await runApprovalDemo();
  else if (command === 'shell') await runShell(process.env, process.stdin);
  else process.exitCode = await runOnce(process.env, [command, ...args]);
  // Done: the memory engine leaves the timers of unfinished executions (a request's deadline) armed after close.
  process.exit();
}
