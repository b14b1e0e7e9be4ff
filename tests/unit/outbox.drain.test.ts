import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RefrainDb, type OutboxOp } from '../../client/data/db.ts';
import { createDraft, setDraftField } from '../../client/data/drafts.ts';
import { discardOp, drainOutbox, retryOp } from '../../client/data/outbox.ts';
import { MAX_TRIES } from '../../client/data/outbox-plan.ts';
import { saveSession } from '../../client/data/session.ts';
import type { OpResult, SyncOp } from '../../schema/ops.ts';

// The outbox against a stand-in /api/sync, in IndexedDB (fake-indexeddb). Only Date is faked, so
// a test can step past an op's backoff without waiting it out.

interface Server {
  up: boolean;
  /** Ops that make any request carrying them fail with this answer. */
  poison: Map<string, () => Response>;
  /** Requests that carried each op. */
  sent: Map<string, number>;
  applied: string[];
  health: () => Response;
}

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

function standIn(server: Server): typeof fetch {
  return async (input, init) => {
    const url = String(input);
    if (!server.up) throw new TypeError('Failed to fetch');
    if (url.endsWith('/api/health')) return server.health();
    const { ops } = JSON.parse(String(init!.body)) as { ops: SyncOp[] };
    for (const op of ops) server.sent.set(op.id, (server.sent.get(op.id) ?? 0) + 1);
    const bad = ops.find((op) => server.poison.has(op.id));
    if (bad) return server.poison.get(bad.id)!();
    const results: OpResult[] = ops.map((op) => {
      const first = !server.applied.includes(op.id);
      if (first) server.applied.push(op.id);
      return { id: op.id, status: first ? 'applied' : 'duplicate' };
    });
    return json({ results });
  };
}

let db: RefrainDb;
let server: Server;
let clock = Date.UTC(2030, 0, 1);
const drain = () => drainOutbox(db, { clientId: 'unit', fetch: standIn(server) });
const outbox = () => db.outbox.orderBy('createdAt').toArray();
const byId = async (id: string) => (await db.outbox.get(id)) as OutboxOp;

/** Drains, stepping the clock past each backoff, until nothing waits for a try. */
async function drainUntilSettled() {
  for (let i = 0; i < 20; i++) {
    const outcome = await drain();
    if (outcome.kind !== 'waiting') return outcome;
    clock += outcome.retryAfterMs + 1;
    vi.setSystemTime(clock);
  }
  throw new Error('the outbox never settled');
}

async function queuePut(story: string): Promise<{ formId: string; id: string }> {
  const formId = await createDraft(db);
  await setDraftField(db, formId, 'songs.0.story', story);
  const [op] = await db.outbox.where('formId').equals(formId).toArray();
  return { formId, id: op!.id };
}

beforeEach(async () => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(clock);
  db = new RefrainDb(`outbox-${crypto.randomUUID()}`);
  await saveSession(db, { token: 't', ownerId: 'o' });
  server = {
    up: true,
    poison: new Map(),
    sent: new Map(),
    applied: [],
    health: () => json({ ok: true }),
  };
});

afterEach(async () => {
  db.close();
  vi.useRealTimers();
});

describe('an op the server keeps failing on', () => {
  it(`is sent alone, set aside after ${MAX_TRIES} tries with its reason, and holds back no other op`, async () => {
    const first = await queuePut('first');
    const poisoned = await queuePut('poisoned');
    const last = await queuePut('last');
    server.poison.set(poisoned.id, () => json({ error: 'internal error' }, 500));

    const outcome = await drainUntilSettled();
    expect(outcome.kind).toBe('done');
    expect(server.applied.sort()).toEqual([first.id, last.id].sort());
    // One batch with everything, then the poisoned op alone for each try.
    expect(server.sent.get(poisoned.id)).toBe(1 + MAX_TRIES);
    const aside = await byId(poisoned.id);
    expect(aside).toMatchObject({
      attempts: MAX_TRIES,
      lastError: 'The server could not save this change (error 500).',
    });
    expect(aside.setAsideAt).toBeDefined();
    expect((await outbox()).map((o) => o.id)).toEqual([poisoned.id]);

    // Set aside, it is never sent again by itself.
    clock += 3_600_000;
    vi.setSystemTime(clock);
    expect((await drain()).kind).toBe('done');
    expect(server.sent.get(poisoned.id)).toBe(1 + MAX_TRIES);
  });

  it('retried once the server recovers, it is applied once; discarded, the draft keeps its text', async () => {
    const a = await queuePut('to retry');
    const b = await queuePut('to discard');
    server.poison.set(a.id, () => json({ error: 'internal error' }, 503));
    server.poison.set(b.id, () => new Response('<html>oops</html>', { status: 200 }));
    await drainUntilSettled();
    expect((await byId(b.id)).lastError).toBe("The server's answer could not be read.");
    expect((await outbox()).every((o) => o.setAsideAt !== undefined)).toBe(true);

    server.poison.clear();
    await retryOp(db, a.id);
    await drainUntilSettled();
    expect(server.applied).toEqual([a.id]);

    await discardOp(db, b.id);
    expect(await outbox()).toEqual([]);
    expect((await db.drafts.get(b.formId))!.draft.songs[0]!.story).toBe('to discard');
  });

  it('a 4xx for an op sent alone sets it aside at once with the server’s words', async () => {
    const op = await queuePut('too big');
    server.poison.set(op.id, () =>
      json({ error: 'a sync batch may be at most 1048576 bytes' }, 413),
    );
    await drainUntilSettled();
    expect(await byId(op.id)).toMatchObject({
      attempts: 1,
      lastError: 'a sync batch may be at most 1048576 bytes',
    });
    expect(server.sent.get(op.id)).toBe(1);
  });

  it('a timeout counts as a failed try when the server is otherwise up', async () => {
    const op = await queuePut('slow');
    const fetchOnce = standIn(server);
    const timingOut: typeof fetch = async (input, init) => {
      if (String(input).endsWith('/api/sync'))
        throw new DOMException('The operation timed out.', 'TimeoutError');
      return fetchOnce(input, init);
    };
    const outcome = await drainOutbox(db, { clientId: 'unit', fetch: timingOut });
    expect(outcome.kind).toBe('waiting');
    expect(await byId(op.id)).toMatchObject({
      attempts: 1,
      lastError: 'The server did not answer within 30 seconds.',
    });
  });
});

describe('a phone on a flaky network', () => {
  it('offline, or behind a captive portal, or while the server is down: no op is charged a try', async () => {
    const op = await queuePut('on a train');
    const cases: [string, () => void][] = [
      ['offline', () => (server.up = false)],
      [
        'captive portal',
        () => {
          server.up = true;
          server.poison.set(op.id, () => new Response('<html>log in</html>', { status: 200 }));
          server.health = () => new Response('<html>log in</html>', { status: 200 });
        },
      ],
      [
        'server down',
        () => {
          server.poison.set(op.id, () => json({ error: 'down' }, 503));
          server.health = () => json({ ok: false, db: 'down' }, 503);
        },
      ],
    ];
    for (const [, arrange] of cases) {
      arrange();
      for (let i = 0; i < MAX_TRIES + 2; i++) expect((await drain()).kind).toBe('retry');
    }
    expect(await byId(op.id)).toMatchObject({ attempts: 0 });
    expect((await byId(op.id)).setAsideAt).toBeUndefined();

    server.poison.clear();
    server.health = () => json({ ok: true });
    expect(await drainUntilSettled()).toMatchObject({ kind: 'done', sent: 1 });
  });
});

describe('a later draft change', () => {
  it('once applied, takes the set-aside change of its form with it: it carried the whole draft', async () => {
    const old = await queuePut('with a bad byte');
    server.poison.set(old.id, () => json({ error: 'internal error' }, 500));
    await drainUntilSettled();
    expect((await byId(old.id)).setAsideAt).toBeDefined();

    await setDraftField(db, old.formId, 'songs.0.story', 'fixed');
    await drainUntilSettled();
    expect(await outbox()).toEqual([]);
    expect(server.applied).toHaveLength(1);
  });

  it('never overtakes a submit: behind a failing draft change the submit waits', async () => {
    const put = await queuePut('failing');
    server.poison.set(put.id, () => json({ error: 'internal error' }, 500));
    await db.outbox.add({
      id: '0190ffff-0000-7000-8000-000000000001',
      type: 'form.submit',
      args: { formId: put.formId },
      formId: put.formId,
      createdAt: Date.now() + 1,
      attempts: 0,
    });
    await drainUntilSettled();
    expect(server.sent.get('0190ffff-0000-7000-8000-000000000001')).toBe(1); // the first batch
    expect(server.applied).toEqual([]);
  });
});
