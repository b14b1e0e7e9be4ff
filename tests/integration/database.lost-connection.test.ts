import { spawn } from 'node:child_process';
import { describe, expect, inject, it } from 'vitest';
import { ROOT } from '../helpers/stack.ts';

// Runs in a process of its own with the project's postgres.js: the fault this guards against
// is an exception thrown out of every promise, which would take the test runner down with it.
const SCRIPT = `
import postgres from 'postgres';
const url = process.env.DATABASE_URL;
const sql = postgres(url, { max: 3, onnotice() {} });
const killer = postgres(url, { max: 1, onnotice() {} });
// A query that never settles is the fault looked for: after 20 s it counts as 'no answer'. The
// deadline is cleared as soon as the query settles, so a healthy run waits on nothing.
const outcome = (query) => {
  let timer;
  const deadline = new Promise((resolve) => {
    timer = setTimeout(() => resolve('no answer'), 20000);
  });
  return Promise.race([
    query.then(() => 'ok', (err) => err.code ?? String(err)),
    deadline,
  ]).finally(() => clearTimeout(timer));
};
const seen = { typesCancelled: [], reserved: [], selfTerminated: [], transactions: [], pool: [] };

// A new connection first asks for the array types; that query cancelled (here by a 1 ms
// statement_timeout) must not end the process: its error goes to the query that opened it.
const hasty = postgres(url, { max: 1, onnotice() {}, connection: { statement_timeout: 1 } });
seen.typesCancelled.push(await outcome(hasty\`select 1\`));
await hasty.end();

// A reserved connection is pinned: nothing rotates it away once its backend is gone.
const reserved = await sql.reserve();
const [{ pid }] = await reserved\`select pg_backend_pid() as pid\`;
await killer\`select pg_terminate_backend(\${pid})\`;
for (let i = 0; i < 4; i++) seen.reserved.push(await outcome(reserved\`select 1\`));

// The next query goes out in the same tick as the failure, as a retrying caller would send it.
const self = await sql.reserve();
await outcome(
  self\`select pg_terminate_backend(pg_backend_pid())\`.catch(async (err) => {
    seen.selfTerminated.push(err.code);
    seen.selfTerminated.push(await outcome(self\`select 1\`));
  }),
);
for (let i = 0; i < 2; i++) seen.selfTerminated.push(await outcome(self\`select 1\`));

// A transaction whose backend is terminated under it rolls back on a dead connection.
for (let i = 0; i < 3; i++) {
  seen.transactions.push(
    await outcome(
      sql.begin(async (tx) => {
        const [{ pid }] = await tx\`select pg_backend_pid() as pid\`;
        await killer\`select pg_terminate_backend(\${pid})\`;
        await tx\`select 1\`;
      }),
    ),
  );
}
for (let i = 0; i < 6; i++) seen.pool.push(await outcome(sql\`select 1\`));
console.log(JSON.stringify(seen));
process.exit(0);
`;

function run(
  databaseUrl: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', SCRIPT], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: databaseUrl },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

// What a query on a dead connection may answer: the backend's own FATAL, the reset socket, or
// postgres.js's CONNECTION_CLOSED. Never an exception outside the promise, never silence.
const LOST = ['57P01', 'ECONNRESET', 'EPIPE', 'CONNECTION_CLOSED', 'CONNECTION_DESTROYED'];

describe('postgres.js on a connection whose backend was terminated or cancelled', () => {
  it('every query is rejected with a catchable error and the process lives on', async () => {
    const { code, stdout, stderr } = await run(inject('stack').databaseUrl);
    expect(stderr).not.toMatch(/TypeError/);
    expect(code, stderr).toBe(0);
    const seen = JSON.parse(stdout) as Record<string, string[]>;
    expect([seen.reserved, seen.selfTerminated, seen.transactions].map((s) => s!.length)).toEqual([
      4, 4, 3,
    ]);
    for (const outcome of [...seen.reserved!, ...seen.selfTerminated!, ...seen.transactions!])
      expect(LOST).toContain(outcome);
    expect(seen.pool).toEqual(Array(6).fill('ok'));
    expect(['57014', 'ok']).toContain(seen.typesCancelled![0]);
  });
});
