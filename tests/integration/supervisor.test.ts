import fs from 'node:fs';
import path from 'node:path';
import postgres from 'postgres';
import { afterAll, expect, it } from 'vitest';
import { makeGuest } from '../helpers/api.ts';
import { createForm, draftOf, ops, sync } from '../helpers/ops.ts';
import {
  health,
  processesMentioning,
  startStack,
  waitFor,
  type RunningStack,
} from '../helpers/stack.ts';

// This file runs its own stack: it kills parts of it, which the shared one must not suffer.
let stack: RunningStack | undefined;
let dataDir: string | undefined;
afterAll(async () => {
  await stack?.stop();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

it('a killed zero-cache turns health to 503, comes back, and SIGTERM then leaves nothing running; a restart keeps data', async () => {
  stack = await startStack();
  dataDir = stack.dataDir;
  const guest = await makeGuest(stack.baseUrl);

  const pidFile = path.join(stack.dataDir, 'zero', 'zero-cache.pid');
  const firstPid = Number(fs.readFileSync(pidFile, 'utf8'));
  process.kill(firstPid, 'SIGKILL');

  let down: Awaited<ReturnType<typeof health>> = null;
  await waitFor(async () => {
    down = await health(stack!.baseUrl);
    return down?.status === 503;
  }, 10_000);
  expect(down!.body).toMatchObject({ ok: false, db: 'up', sync: 'down' });

  // zero-cache rebuilds its replica on start: on a loaded machine that takes a minute or more.
  await waitFor(async () => (await health(stack!.baseUrl))?.status === 200, 180_000, stack.output);
  expect(Number(fs.readFileSync(pidFile, 'utf8'))).not.toBe(firstPid);

  const ports = {
    port: Number(stack.env.PORT),
    pgPort: Number(stack.env.PG_PORT),
    zeroPort: Number(stack.env.ZERO_PORT),
  };
  expect(await stack.stop()).toBe(0);
  expect(processesMentioning(stack.dataDir)).toEqual([]);

  stack = await startStack({ dataDir: stack.dataDir, ports });
  const sql = postgres(stack.databaseUrl, { max: 1, onnotice: () => {} });
  try {
    const rows = await sql`select id from owners where id = ${guest.ownerId}`;
    expect(rows).toHaveLength(1);
  } finally {
    await sql.end();
  }
  // The token issued before the restart still works: the signing key lives in DATA_DIR.
  const res = await fetch(`${stack.baseUrl}/api/zero/query`, {
    method: 'POST',
    headers: { authorization: `Bearer ${guest.token}` },
    body: 'not json',
  });
  expect(res.status).not.toBe(401);
}, 600_000);

it('a killed API is started again by the supervisor: same port, same data, tokens still work', async () => {
  const guest = await makeGuest(stack!.baseUrl);
  const first = stack!.apiPid();
  const from = stack!.output().length;
  process.kill(first, 'SIGKILL');
  expect(await stack!.apiRestarted(from)).toBe('SIGKILL');
  expect(stack!.apiPid()).not.toBe(first);
  await waitFor(async () => (await health(stack!.baseUrl))?.status === 200, 180_000, stack!.output);
  const formId = await createForm(guest, 1);
  expect(formId).toBeTruthy();
}, 300_000);

it('a killed Postgres is started again: the API reconnects, data kept, writes go on', async () => {
  const guest = await makeGuest(stack!.baseUrl);
  const before = await createForm(guest, 1);
  const lock = fs.readFileSync(path.join(stack!.dataDir, 'pg', 'postmaster.pid'), 'utf8');
  const postmaster = Number(lock.split('\n')[0]);
  const api = stack!.apiPid();
  process.kill(postmaster, 'SIGKILL');
  await waitFor(
    async () => {
      try {
        const [answer] = await sync(guest, [ops.draftPut(before, draftOf(1))]);
        return answer?.status === 'applied';
      } catch {
        return false;
      }
    },
    240_000,
    stack!.output,
    500,
  );
  await waitFor(async () => (await health(stack!.baseUrl))?.status === 200, 240_000, stack!.output);
  // The same API process rode it out: its pool reconnected.
  expect(stack!.apiPid()).toBe(api);
  expect(stack!.output()).toMatch(/postgres: exited; restarting/);
}, 600_000);

it('a SIGKILLed supervisor leaves nothing running: its watchdog stops the API, zero-cache and Postgres', async () => {
  const dataDir = stack!.dataDir;
  // The supervisor, its watchdog, the API, zero-cache and Postgres at least.
  expect(processesMentioning(dataDir).length).toBeGreaterThan(4);
  stack!.child.kill('SIGKILL');
  await waitFor(
    () => processesMentioning(dataDir).length === 0,
    30_000,
    () => `still running: ${processesMentioning(dataDir).join(', ')}`,
  );
  // The data directory is whole: the next start comes up on it.
  stack = await startStack({ dataDir, ports: portsOf(stack!) });
  expect((await health(stack.baseUrl))?.status).toBe(200);
}, 400_000);

it('a stack whose parent dies stops itself: nothing is left running', async () => {
  const dataDir = stack!.dataDir;
  const ports = portsOf(stack!);
  expect(await stack!.stop()).toBe(0);
  // As a closed terminal or a killed test run leaves it: the process that started it is gone.
  stack = await startStack({ dataDir, ports, throughParent: true });
  const parent = stack.child;
  expect(processesMentioning(dataDir).length).toBeGreaterThan(4);
  parent.kill('SIGKILL');
  await waitFor(
    () => processesMentioning(dataDir).length === 0,
    60_000,
    () => `still running: ${processesMentioning(dataDir).join(', ')}`,
  );
  stack = await startStack({ dataDir, ports });
  expect((await health(stack.baseUrl))?.status).toBe(200);
}, 600_000);

it('a stop with songs still rendering ends every part within 10 s; a second signal ends them at once', async () => {
  const guest = await makeGuest(stack!.baseUrl);
  // A backlog for the built-in engine: nine renders queued or under way.
  for (let i = 0; i < 3; i++) {
    const formId = await createForm(guest, 1);
    const [answer] = await sync(guest, [ops.submit(formId)]);
    expect(answer!.status).toBe('applied');
  }
  const dataDir = stack!.dataDir;
  const ports = portsOf(stack!);
  const t0 = Date.now();
  stack!.child.kill('SIGINT');
  await new Promise((resolve) => stack!.child.once('exit', resolve));
  const stoppedMs = Date.now() - t0;
  // The stop deadline is 10 s; what a loaded machine adds to it is its own exit.
  expect(stoppedMs).toBeLessThan(15_000);
  expect(stack!.child.exitCode).toBe(0);
  expect(processesMentioning(dataDir)).toEqual([]);

  // Info lines, to see the first signal taken before the second is sent: two signals sent at
  // once may reach the process as one. An idle stack can finish an orderly stop before a second
  // signal counts (exit 0), so this one holds its stop open for 5 s.
  stack = await startStack({
    dataDir,
    ports,
    env: { LOG_LEVEL: 'info', REFRAIN_FAULT: 'slow-stop' },
  });
  stack.child.kill('SIGTERM');
  await waitFor(() => stack!.output().includes('refrain: stopping'), 30_000, stack.output);
  // Signals within half a second of the first count as the same Ctrl-C: keep sending until one
  // counts. An orderly stop (exit code 0) takes longer than that.
  const exited = new Promise((resolve) => stack!.child.once('exit', resolve));
  let gone = false;
  void exited.then(() => (gone = true));
  await waitFor(
    () => {
      if (!gone) stack!.child.kill('SIGTERM');
      return gone;
    },
    30_000,
    stack.output,
    100,
  );
  expect(stack.child.exitCode).toBe(130);
  await waitFor(
    () => processesMentioning(dataDir).length === 0,
    15_000,
    () => `still running: ${processesMentioning(dataDir).join(', ')}`,
  );
  stack = undefined;
}, 600_000);

function portsOf(running: RunningStack) {
  return {
    port: Number(running.env.PORT),
    pgPort: Number(running.env.PG_PORT),
    zeroPort: Number(running.env.ZERO_PORT),
  };
}
