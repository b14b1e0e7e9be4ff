import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { makeGuest } from '../helpers/api.ts';
import { musicGptFixture } from '../helpers/fixtures.ts';
import { byStatus, DEFAULT_LIMITS, onServer, syncAnswer } from '../helpers/limits.ts';
import { createForm, draftOf, ops } from '../helpers/ops.ts';
import { waitFor } from '../helpers/stack.ts';

// The documented defaults: 10 forms and 60 songs an hour per person, 30 in the making at once,
// and MusicGPT's 10 unfinished tasks per key (PROVIDER_MAX_TASKS).
const fx = musicGptFixture({
  ...DEFAULT_LIMITS,
  GENERATION_TIMEOUT_MS: '600000',
  // Twenty slots wait for a task place throughout; asking twice a second each is plenty here.
  PROVIDER_BUSY_WAIT_MS: '500',
});
const { sql } = fx;

const FLOOD_SUBMITS = 2_000;
const FLOOD_FORMS = 500;
const FORMS_PER_HOUR = 10;
const SLOTS_PER_FORM = 3;
const PROVIDER_MAX_TASKS = 10;

const slotIdsOf = async (ownerId: string) =>
  (await sql<{ id: string }[]>`select id from slots where owner_id = ${ownerId}`).map((s) => s.id);

/** Stand-in tasks made for these slots (a task's webhook URL names its slot). */
const tasksFor = (slotIds: string[]) =>
  [...fx.musicgpt.tasks.values()].filter((t) =>
    slotIds.some((id) => String(t.body.webhook_url).includes(`/${id}?`)),
  );

it(
  "one guest's flood of 2,000 submits is limited, pays for no more than the limits allow, and never makes another person wait more than one provider turn",
  { timeout: 600_000 },
  async () => {
    fx.musicgpt.script.completes = false;
    const flooder = onServer(await makeGuest(), fx.server.baseUrl);

    // 2,000 submits: 500 one-song drafts, then four rounds of submits over all of them, as four
    // 500-op batches sent at once (a submit of a form already started is a free resubmit).
    const formIds = Array.from({ length: FLOOD_FORMS }, () => randomUUID());
    const drafts = await syncAnswer(
      flooder,
      formIds.map((f) => ops.draftPut(f, draftOf(1))),
    );
    expect(drafts.status).toBe(200);
    const rounds = Array.from({ length: FLOOD_SUBMITS / FLOOD_FORMS }, () =>
      formIds.map((f) => ops.submit(f)),
    );
    const answers = await Promise.all(rounds.map((batch) => syncAnswer(flooder, batch)));

    const results = answers.flatMap((a) => a.body.results);
    expect(results).toHaveLength(FLOOD_SUBMITS);
    const [started] = await sql<[{ ids: string[] }]>`
      select coalesce(array_agg(id), '{}') as ids from forms
      where owner_id = ${flooder.ownerId} and status <> 'draft'`;
    expect(started.ids).toHaveLength(FORMS_PER_HOUR);
    const formOf = new Map(rounds.flat().map((o) => [o.id, (o.args as { formId: string }).formId]));
    // Only the ten forms that started have submits that applied; every other submit is limited.
    for (const r of results) {
      if (r.status === 'applied') expect(started.ids).toContain(formOf.get(r.id));
      else expect(r.status).toBe('limited');
    }
    expect(byStatus(results, 'limited').length).toBeGreaterThanOrEqual(
      FLOOD_SUBMITS - FORMS_PER_HOUR * rounds.length,
    );
    for (const answer of answers) {
      expect(answer.status).toBe(429);
      expect(Number(answer.retryAfter)).toBeGreaterThanOrEqual(1);
      expect(Number(answer.retryAfter)).toBeLessThanOrEqual(3600);
      expect(answer.body.retryAfterMs).toBeGreaterThan(0);
      expect(answer.body.error).toMatch(
        /^You've sent a lot of song requests in the last hour\. You can send more in about \d+ minutes?\.$/,
      );
    }
    for (const limited of byStatus(results, 'limited')) {
      expect(limited.retryAfterMs).toBeGreaterThan(0);
      expect(limited.error).toMatch(/song requests in the last hour/);
    }

    // The ledger: 10 forms, 30 slots, and only as many calls as the account has task places.
    const flooderSlots = await slotIdsOf(flooder.ownerId);
    expect(flooderSlots).toHaveLength(FORMS_PER_HOUR * SLOTS_PER_FORM);
    await waitFor(
      () => fx.musicgpt.accepted === PROVIDER_MAX_TASKS,
      60_000,
      () => `stand-in accepted ${fx.musicgpt.accepted}`,
    );

    // Someone else asks for one song while the flood holds every task place.
    const other = onServer(await makeGuest(), fx.server.baseUrl);
    const formId = await createForm(other, 1);
    const submitted = await syncAnswer(other, [ops.submit(formId)]);
    expect(submitted.status).toBe(200);
    expect(submitted.body.results[0]!.status).toBe('applied');
    const otherSlots = await slotIdsOf(other.ownerId);
    expect(otherSlots).toHaveLength(3);
    // Its slots are written and stand in the account's waiting line, next to the flood's 20.
    await waitFor(
      async () =>
        (
          await sql`select 1 from slots s join provider_waits w on w.slot_id = s.id
            where s.id = any(${otherSlots}::uuid[]) and s.status = 'queued' and s.music_prompt is not null`
        ).length === 3,
      30_000,
      () => "the newcomer's slots never joined the account's waiting line",
    );
    expect(fx.musicgpt.accepted).toBe(PROVIDER_MAX_TASKS);

    // One provider turn: one task of the flood finishes, one place frees up. It goes to the
    // newcomer's first slot, not to any of the flood's 20 slots that waited longer.
    const finishing = [...fx.musicgpt.tasks.values()].find((t) => t.state === 'in_progress')!;
    const turnStarted = Date.now();
    fx.musicgpt.complete(finishing.taskId);
    await waitFor(() => fx.musicgpt.accepted === PROVIDER_MAX_TASKS + 1, 60_000);
    const turnMs = Date.now() - turnStarted;
    expect(tasksFor(otherSlots)).toHaveLength(1);
    expect(fx.musicgpt.accepted).toBe(PROVIDER_MAX_TASKS + 1);
    console.info(`one provider turn (a task finishes → the freed place is taken): ${turnMs} ms`);

    // Let everything finish: the stand-in sees exactly one task per slot the limits let in.
    await waitFor(
      async () => {
        for (const t of fx.musicgpt.tasks.values())
          if (t.state === 'in_progress') fx.musicgpt.complete(t.taskId);
        const [{ open }] = await sql<[{ open: number }]>`
          select count(*)::int as open from slots
          where owner_id in (${flooder.ownerId}, ${other.ownerId}) and status <> 'ready'`;
        return open === 0;
      },
      240_000,
      () => `stand-in accepted ${fx.musicgpt.accepted}`,
    );
    expect(tasksFor(flooderSlots)).toHaveLength(FORMS_PER_HOUR * SLOTS_PER_FORM);
    expect(tasksFor(otherSlots)).toHaveLength(3);
    expect(fx.musicgpt.accepted).toBe(FORMS_PER_HOUR * SLOTS_PER_FORM + 3);
    const [{ calls }] = await sql<[{ calls: number }]>`
      select count(*)::int as calls from provider_calls
      where slot_id = any(${flooderSlots}::uuid[]) and state = 'accepted'`;
    expect(calls).toBe(FORMS_PER_HOUR * SLOTS_PER_FORM);

    // The window still holds: more submits are limited, and cost nothing.
    const late = randomUUID();
    const again = await syncAnswer(flooder, [ops.draftPut(late, draftOf(1)), ops.submit(late)]);
    expect(again.status).toBe(429);
    expect(again.body.results.map((r) => r.status)).toEqual(['applied', 'limited']);
    expect(await slotIdsOf(flooder.ownerId)).toHaveLength(FORMS_PER_HOUR * SLOTS_PER_FORM);
  },
);
