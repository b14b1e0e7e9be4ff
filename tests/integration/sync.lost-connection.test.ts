import { randomUUID } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpResult, SyncOp } from '../../schema/ops.ts';
import { startApiServer } from '../helpers/api-server.ts';
import { testSql } from '../helpers/generation.ts';
import { createGuest, type Guest } from '../helpers/guest.ts';
import { allFieldTimes, ops, song } from '../helpers/ops.ts';
import { health, waitFor, type RunningStack } from '../helpers/stack.ts';

// This file's own API process: its Postgres connections carry an application_name of their
// own, so terminating them never touches the shared stack or another test's server.
const APP = `refrain-lost-${randomUUID().slice(0, 8)}`;
const sql = testSql();
let server: RunningStack;
let apiPid: number;

beforeAll(async () => {
  server = await startApiServer({ PG_APPLICATION_NAME: APP });
  apiPid = server.apiPid();
});
afterAll(async () => {
  await server?.stop();
  await sql.end();
});

/** The API's backends, or those of them waiting for a lock. */
async function backends(waitingForLock = false): Promise<number[]> {
  const rows = await sql<{ pid: number }[]>`
    select pid from pg_stat_activity
    where application_name = ${APP} and pid <> pg_backend_pid()
      and (${!waitingForLock} or wait_event_type = 'Lock')`;
  return rows.map((r) => r.pid);
}

async function terminate(pids: number[]): Promise<number> {
  const rows = await sql<{ done: boolean }[]>`
    select pg_terminate_backend(pid) as done from unnest(${pids}::int[]) as pid`;
  return rows.filter((r) => r.done).length;
}

/** A put that names the recipient `name` at client time `t`. */
function put(formId: string, name: string, t: number, id = uuidv7()): SyncOp {
  const draft = { songCount: 1, songs: [song({ recipient: name })] };
  return { ...ops.draftPut(formId, draft, allFieldTimes(draft, t)), id };
}

interface Answer {
  status: number;
  retryAfter: string | null;
  body: { results?: OpResult[]; error?: string; retryAfterMs?: number };
}

async function send(guest: Guest, batch: SyncOp[]): Promise<Answer> {
  const res = await guest.fetch('/api/sync', {
    method: 'POST',
    body: JSON.stringify({ clientId: 'lost-connection-test', ops: batch }),
    signal: AbortSignal.timeout(60_000),
  });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: await res.json() };
}

async function recipientOf(formId: string) {
  const [row] = await sql<{ recipient: string }[]>`
    select draft->'songs'->0->>'recipient' as recipient from forms where id = ${formId}`;
  return row?.recipient;
}

function stillTheSameProcess() {
  expect(server.apiPid()).toBe(apiPid);
  expect(server.output()).not.toMatch(/uncaught exception|exited; restarting/);
}

describe('a lost database connection', () => {
  it('an op that loses its connection, and again on its one retry, answers 503 with Retry-After; sent again, it applies once', async () => {
    const guest = await createGuest(server.baseUrl);
    const formId = randomUUID();
    const t = Date.now();
    expect((await send(guest, [put(formId, 'Ana', t)])).body.results![0]!.status).toBe('applied');

    // The form's row stays locked, so the op's transaction waits where the test can find it.
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let locked!: () => void;
    const isLocked = new Promise<void>((r) => (locked = r));
    const holder = sql.begin(async (tx) => {
      await tx`select 1 from forms where id = ${formId} for update`;
      locked();
      await released;
    });
    await isLocked;

    const edit = put(formId, 'Bea', t + 1);
    const answering = send(guest, [edit]);
    const killed: number[] = [];
    for (let attempt = 0; attempt < 2; attempt++) {
      let waiting: number[] = [];
      await waitFor(
        async () =>
          (waiting = (await backends(true)).filter((p) => !killed.includes(p))).length > 0,
        60_000,
        () => `no backend of ${APP} waits for the form's lock (attempt ${attempt + 1})`,
      );
      expect(await terminate(waiting)).toBe(1);
      killed.push(...waiting);
    }
    const answer = await answering;
    release();
    await holder;

    expect(answer).toEqual({
      status: 503,
      retryAfter: '1',
      body: {
        error:
          'The server lost its database connection for a moment. Your changes are kept and will be sent again.',
        requestId: expect.any(String),
        retryAfterMs: 1000,
      },
    });
    expect(await recipientOf(formId)).toBe('Ana');
    const [again] = (await send(guest, [edit])).body.results!;
    expect(again).toEqual({ id: edit.id, status: 'applied', result: { formId, lost: 1 } });
    const [ledger] = await sql<{ n: number }[]>`
      select count(*)::int as n from sync_ops where id = ${edit.id}`;
    expect(ledger!.n).toBe(1);
    expect(await recipientOf(formId)).toBe('Bea');
    expect((await health(server.baseUrl))?.status).toBe(200);
    stillTheSameProcess();
  });

  it('pg_terminate_backend on every server connection, 20 times during a 20-client burst: the API stays up, every op the clients retried is applied exactly once', async () => {
    const CLIENTS = 20;
    const KILLS = 20;
    const BATCH = 2;
    const MIN_BATCHES = 5;
    const guests = await Promise.all(
      Array.from({ length: CLIENTS }, () => createGuest(server.baseUrl)),
    );
    const seen: Record<string, number> = {};
    const unavailable: Answer[] = [];
    let answeredBatches = 0;
    let killing = true;

    /** Sends one batch until it is answered, with the same op ids every time. */
    async function sendUntilAnswered(guest: Guest, batch: SyncOp[]): Promise<OpResult[]> {
      const deadline = Date.now() + 120_000;
      for (;;) {
        expect(Date.now(), 'a batch was never answered').toBeLessThan(deadline);
        let answer: Answer;
        try {
          answer = await send(guest, batch);
        } catch (err) {
          const kind = (err as Error).name === 'TimeoutError' ? 'timeout' : 'network';
          seen[kind] = (seen[kind] ?? 0) + 1;
          continue;
        }
        seen[answer.status] = (seen[answer.status] ?? 0) + 1;
        if (answer.status === 200) return answer.body.results!;
        expect(answer.status, JSON.stringify(answer.body)).toBe(503);
        unavailable.push(answer);
        // What a client does with a 503: send it again once the server can take it. Here that is
        // watched (the server answers healthy again) rather than slept out for Retry-After.
        await waitFor(
          async () => (await health(server.baseUrl))?.status === 200,
          60_000,
          () => 'the server never became healthy again after a 503',
        );
      }
    }

    async function client(guest: Guest, c: number) {
      const formId = randomUUID();
      const t0 = Date.now();
      const sent: SyncOp[] = [];
      for (let b = 0; killing || b < MIN_BATCHES; b++) {
        const batch = Array.from({ length: BATCH }, (_, i) => {
          const n = b * BATCH + i;
          return put(formId, `client ${c} edit ${n}`, t0 + n);
        });
        const results = await sendUntilAnswered(guest, batch);
        expect(results.map((r) => r.id)).toEqual(batch.map((o) => o.id));
        for (const r of results)
          expect(['applied', 'duplicate'], JSON.stringify(r)).toContain(r.status);
        sent.push(...batch);
        answeredBatches++;
      }
      return { guest, formId, sent };
    }

    let terminated = 0;
    async function killer() {
      for (let k = 0; k < KILLS; k++) {
        // Each round waits until the server has connected again and answered more batches, so
        // the kills are spread over the whole burst.
        const answeredBefore = answeredBatches;
        let pids: number[] = [];
        await waitFor(
          async () => (pids = await backends()).length > 0,
          60_000,
          () => 'no backends',
        );
        terminated += await terminate(pids);
        await waitFor(
          () => answeredBatches >= answeredBefore + CLIENTS / 4,
          120_000,
          () => `the clients made no progress after kill ${k + 1}`,
        );
      }
      killing = false;
    }

    const [done] = await Promise.all([Promise.all(guests.map((g, c) => client(g, c))), killer()]);

    expect(terminated).toBeGreaterThanOrEqual(KILLS);
    expect(seen['500']).toBeUndefined();
    expect(seen.timeout).toBeUndefined();
    for (const a of unavailable) {
      expect(a.retryAfter).toBe('1');
      expect(a.body.error).toMatch(/lost its database connection for a moment/);
    }
    stillTheSameProcess();
    expect((await health(server.baseUrl))?.status).toBe(200);

    // Exactly once: one ledger row per op id, one history entry per applied change after the
    // first, and each draft holds its client's last edit.
    const opIds = done.flatMap((d) => d.sent.map((o) => o.id));
    const owners = done.map((d) => d.guest.ownerId);
    const [ledger] = await sql<{ rows: number; ids: number }[]>`
      select count(*)::int as rows, count(distinct id)::int as ids
      from sync_ops where owner_id = any(${owners}::uuid[])`;
    expect(ledger).toEqual({ rows: opIds.length, ids: opIds.length });
    const [missing] = await sql<{ n: number }[]>`
      select count(*)::int as n from unnest(${opIds}::uuid[]) as sent(id)
      where not exists (select 1 from sync_ops s where s.id = sent.id)`;
    expect(missing!.n).toBe(0);
    for (const { formId, sent } of done) {
      const [history] = await sql<{ n: number }[]>`
        select count(*)::int as n from draft_history where form_id = ${formId}`;
      expect(history!.n).toBe(sent.length - 1);
      const last = (sent.at(-1)!.args as { draft: { songs: { recipient: string }[] } }).draft;
      expect(await recipientOf(formId)).toBe(last.songs[0]!.recipient);
    }
  });
});
