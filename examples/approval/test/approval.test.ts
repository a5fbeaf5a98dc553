import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { createRuntime, loadConfig, type Runtime } from '@durable-runtime/core';
import { onEachBackend, RUN_ID } from '@durable-runtime/example-testing';
import { expect, test, vi } from 'vitest';
import { approval, approvalDesk, registry } from '../src/approval.js';
import { type Cli, closeDesk, listPending, runCommand } from '../src/cli.js';
import { runApprovalDemo, runShell } from '../src/main.js';

const workflowModule = fileURLToPath(new URL('../src/approval.ts', import.meta.url));

onEachBackend((engine) => {
  test('one request approved, one rejected, one expired; the desk lists them while they wait', async () => {
    const lines: string[] = [];
    const demo = await runApprovalDemo(engine().env(workflowModule), (line) => lines.push(line));
    const { kettle, mind, late } = demo.ids;
    expect(demo.pendingAtFirst.map((request) => request.id).sort()).toEqual([kettle, mind, late].sort());
    expect(demo.pendingAtEnd).toEqual([]);
    expect(demo.results).toEqual({
      [kettle]: { status: 'approved', decidedBy: 'grace', note: 'receipt checked', refundId: `rf_${kettle}` },
      [mind]: { status: 'rejected', decidedBy: 'grace', note: 'outside the return window' },
      [late]: { status: 'expired', decidedBy: 'deadline', note: 'no decision in time' },
    });
    expect(demo.lateDecision).toBe('expired');
    expect(demo.reminded).toEqual([undefined, true]);
    expect(lines).toContain('3 pending');
    expect(lines).toContain(`${kettle}: approved by grace`);
    expect(lines).toContain('0 pending');
  });

  test('the CLI lists, approves and refuses to decide twice, from a client-only runtime where the engine allows', async () => {
    const env = engine().env(workflowModule);
    const worker = await createRuntime(loadConfig(env), registry);
    // On a real engine the CLI is another process that runs no worker; the memory engine lives in this process.
    const client = engine().shared
      ? await createRuntime(loadConfig({ ...env, DURABLE_WORKER: 'false' }), registry)
      : worker;
    const lines: string[] = [];
    const cli: Cli = { runtime: client, desk: `desk-${RUN_ID}`, user: 'ada', log: (line) => lines.push(line) };
    try {
      expect(await runCommand(cli, ['request', '125.50', 'Refund', 'order', 'A-17', '--timeout', '1h'])).toBe(0);
      const id = /^requested (\S+):/.exec(lines.at(-1) ?? '')?.[1] as string;
      expect(lines.at(-1)).toBe(`requested ${id}: Refund order A-17 (EUR 125.50), decide within 1h`);
      await vi.waitFor(async () => expect(await listPending(cli)).toHaveLength(1), { timeout: 20_000 });

      lines.length = 0;
      expect(await runCommand(cli, ['list'])).toBe(0);
      expect(lines).toEqual(['1 pending', `  ${id}  EUR 125.50  Refund order A-17  (by ada, expires in 60 min)`]);

      expect(await runCommand(cli, ['approve', id, 'looks', 'fine'])).toBe(0);
      await expect(client.handle(approval, id).result()).resolves.toEqual({
        status: 'approved',
        decidedBy: 'ada',
        note: 'looks fine',
        refundId: `rf_${id}`,
      });
      expect(await runCommand(cli, ['reject', id])).toBe(0);
      expect(lines.at(-1)).toBe(`${id} is already approved: nothing to do`);
      expect(await runCommand(cli, ['approve', 'refund-nope'])).toBe(1);
      expect(lines.at(-1)).toBe('no such execution: refund-nope (approval)');
      expect(await runCommand(cli, ['request', 'lots', 'of', 'money'])).toBe(1);

      await vi.waitFor(async () => expect(await listPending(cli)).toEqual([]), { timeout: 20_000 });
      await closeDesk(cli);
      await expect(client.handle(approvalDesk, cli.desk).result()).resolves.toEqual({
        open: 0,
        closed: { approved: 1 },
      });
    } finally {
      await closeAll(client, worker);
    }
  });

  test('the shell reads commands from standard input, one a line', async () => {
    const input = new PassThrough();
    const lines: string[] = [];
    const shell = runShell(engine().env(workflowModule), input, (line) => lines.push(line));
    input.write('request 12.50 Lost parcel --timeout 1h\nlist\n');
    await vi.waitFor(() => expect(lines.at(-1)).toMatch(/Lost parcel/), { timeout: 20_000 });
    const id = /^requested (\S+):/.exec(lines[1] ?? '')?.[1] as string;
    input.end(`approve ${id} found it\nbogus\nquit\nlist\n`);
    await shell;
    expect(lines.slice(1)).toEqual([
      `requested ${id}: Lost parcel (EUR 12.50), decide within 1h`,
      '1 pending',
      `  ${id}  EUR 12.50  Lost parcel  (by ${process.env.USER ?? 'someone'}, expires in 60 min)`,
      `${id}: approved by ${process.env.USER ?? 'someone'}`,
      expect.stringContaining('commands:'),
    ]);
  });
});

async function closeAll(...runtimes: Runtime[]) {
  for (const runtime of new Set(runtimes)) await runtime.close();
}
