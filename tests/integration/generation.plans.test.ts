import { afterAll, describe, expect, it } from 'vitest';
import { makeGuest } from '../helpers/api.ts';
import {
  acceptedCalls,
  slotsOf,
  startMusicGptServer,
  testSql,
  waitForSlots,
} from '../helpers/generation.ts';
import { createForm, ops, sync } from '../helpers/ops.ts';
import { waitFor, type RunningStack } from '../helpers/stack.ts';
import { startMusicGptStandIn, type MusicGptStandIn } from '../standins/musicgpt.ts';

const sql = testSql();
const cleanup: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  await Promise.all(cleanup.map((c) => c()));
  await sql.end();
});

/** A server on `env` and a stand-in whose tasks run until the test finishes them. */
async function planServer(
  env: Record<string, string>,
  script: Partial<MusicGptStandIn['script']> = {},
): Promise<{ server: RunningStack; musicgpt: MusicGptStandIn }> {
  const musicgpt = await startMusicGptStandIn();
  Object.assign(musicgpt.script, { completes: false }, script);
  const started = await startMusicGptServer(env, musicgpt);
  cleanup.push(
    () => started.server.stop(),
    () => musicgpt.close(),
  );
  return started;
}

const unfinished = (m: MusicGptStandIn) =>
  [...m.tasks.values()].filter((t) => t.state === 'in_progress');

/** Finishes the stand-in's tasks one at a time, oldest first, until `total` are done. */
async function finishOneByOne(musicgpt: MusicGptStandIn, total: number): Promise<void> {
  for (let done = 0; done < total; done++) {
    await waitFor(
      () => unfinished(musicgpt).length > 0,
      120_000,
      () => `no task to finish after ${done} of ${total} (accepted ${musicgpt.accepted})`,
    );
    musicgpt.complete(unfinished(musicgpt)[0]!.taskId);
  }
}

async function failedOrRetried(formId: string): Promise<number> {
  const [row] = await sql<{ n: number }[]>`
    select count(*)::int as n from generation_events
    where form_id = ${formId} and kind in ('failed', 'retried')`;
  return row!.n;
}

describe('MusicGPT plans', () => {
  it('Free plan, 1 task at a time: a song of 3 variations waits, says so, and never fails', async () => {
    const { server, musicgpt } = await planServer(
      { MUSICGPT_PLAN: 'free' },
      { parallelTaskLimit: 1 },
    );
    const guest = await makeGuest(server.baseUrl);
    const formId = await createForm(guest, 1);
    await sync(guest, [ops.submit(formId)]);
    // While the first task runs, the other two wait in line, and their cards say so.
    await waitFor(
      async () => {
        const [w] = await sql<{ n: number }[]>`
          select count(*)::int as n from slots
          where form_id = ${formId} and status = 'queued' and waiting_since is not null`;
        return musicgpt.accepted === 1 && w!.n === 2;
      },
      120_000,
      () => `accepted ${musicgpt.accepted}`,
    );
    await finishOneByOne(musicgpt, 3);
    expect(musicgpt.maxUnfinished).toBe(1);
    await waitForSlots(sql, formId, 3, 'ready', 120_000);
    expect(musicgpt.attempts).toBe(3); // the line held them: not one 429
    expect(await failedOrRetried(formId)).toBe(0);
    const slots = await sql<{ waiting_since: Date | null }[]>`
      select waiting_since from slots where form_id = ${formId}`;
    expect(slots.every((s) => s.waiting_since === null)).toBe(true);
  });

  it('a key on a smaller plan than configured: 429s past the attempt limit only make the slot wait', async () => {
    // Configured for three tasks, while the account runs one: every extra call earns a 429.
    const { server, musicgpt } = await planServer(
      { MUSICGPT_PLAN: 'pro', PROVIDER_MAX_TASKS: '3', PROVIDER_MAX_ATTEMPTS: '2' },
      { parallelTaskLimit: 1, retryAfterSec: 0 },
    );
    const guest = await makeGuest(server.baseUrl);
    const formId = await createForm(guest, 1);
    await sync(guest, [ops.submit(formId)]);
    // Far more 429s than PROVIDER_MAX_ATTEMPTS allows failures, while the first task runs.
    await waitFor(
      () => musicgpt.accepted === 1 && musicgpt.attempts >= 12,
      120_000,
      () => `accepted ${musicgpt.accepted}, attempts ${musicgpt.attempts}`,
    );
    const waiting = (await slotsOf(sql, formId)).filter((s) => s.status === 'queued');
    expect(waiting).toHaveLength(2);
    const [marked] = await sql<{ n: number }[]>`
      select count(*)::int as n from slots where form_id = ${formId} and waiting_since is not null`;
    expect(marked!.n).toBe(2);
    await finishOneByOne(musicgpt, 3);
    await waitForSlots(sql, formId, 3, 'ready', 120_000);
    expect(await failedOrRetried(formId)).toBe(0);
    const ledger = await acceptedCalls(sql, formId);
    expect(ledger.map((c) => c.n)).toEqual([1, 1, 1]);
  });

  it('Plus plan: a 4-song order (12 slots) finishes with at most 3 tasks unfinished at once', async () => {
    const { server, musicgpt } = await planServer({ MUSICGPT_PLAN: 'plus' });
    const guest = await makeGuest(server.baseUrl);
    const formId = await createForm(guest, 4);
    await sync(guest, [ops.submit(formId)]);
    // The stand-in takes any number; only the plan holds the server back.
    await waitFor(
      () => unfinished(musicgpt).length === 3,
      120_000,
      () => `unfinished ${unfinished(musicgpt).length}`,
    );
    await finishOneByOne(musicgpt, 12);
    expect(musicgpt.maxUnfinished).toBe(3);
    await waitForSlots(sql, formId, 12, 'ready', 120_000);
    expect(musicgpt.accepted).toBe(12);
    expect(await failedOrRetried(formId)).toBe(0);
  });

  it('byId calls stay within the plan’s budget a minute, whatever is overdue', async () => {
    // Four tasks that never finish and no webhooks: every slot is overdue every second.
    const { server, musicgpt } = await planServer(
      { MUSICGPT_BYID_PER_MINUTE: '5' },
      { webhooks: 'none' },
    );
    const guest = await makeGuest(server.baseUrl);
    const formId = await createForm(guest, 1);
    await sync(guest, [ops.submit(formId)]);
    await waitFor(
      () => musicgpt.polls >= 5,
      120_000,
      () => `polls ${musicgpt.polls}`,
    );
    // Without the budget the reconciler polls each of the 3 slots every second (RECONCILE_AFTER_MS
    // is 1 s in tests): over the next 10 s that would be about 30 more calls.
    const startedAt = Date.now();
    await waitFor(() => Date.now() - startedAt > 10_000 || musicgpt.polls > 5, 20_000);
    expect(musicgpt.polls).toBe(5);
    const [booked] = await sql<{ n: number }[]>`
      select count(*)::int as n from provider_calls c join slots s on s.id = c.slot_id
      where s.form_id = ${formId} and c.kind = 'poll'`;
    expect(booked!.n).toBe(5);
  });
});
