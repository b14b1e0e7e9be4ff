import fs from 'node:fs';
import path from 'node:path';
import postgres from 'postgres';
import { afterAll, expect, it } from 'vitest';
import { makeGuest } from '../helpers/api.ts';
import {
  health,
  processesMentioning,
  startStack,
  waitFor,
  type RunningStack,
} from '../helpers/stack.ts';

// This file runs its own stack: it kills parts of it, which the shared one must not suffer.
let stack: RunningStack | undefined;
afterAll(async () => {
  await stack?.stop();
  if (stack) fs.rmSync(stack.dataDir, { recursive: true, force: true });
});

it('a killed zero-cache turns health to 503, comes back, and SIGTERM then leaves nothing running; a restart keeps data', async () => {
  stack = await startStack();
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

  await waitFor(async () => (await health(stack!.baseUrl))?.status === 200, 60_000, stack.output);
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
});
