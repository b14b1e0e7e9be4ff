import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startMusicGptStandIn, type MusicGptStandIn } from '../standins/musicgpt.ts';
import { makeGuest } from '../helpers/api.ts';
import { startMusicGptServer, testSql, waitForSlots } from '../helpers/generation.ts';
import { byStatus, onServer, syncAnswer } from '../helpers/limits.ts';
import { createForm, draftOf, ops, sync } from '../helpers/ops.ts';
import type { RunningStack } from '../helpers/stack.ts';

// Small limits, so each one can be reached on its own: 3 forms and 12 songs an hour, 9 songs in
// the making at once. Two API processes share the database, and so every budget.
const LIMITS = {
  RATE_FORMS_PER_OWNER: '3/1h',
  RATE_SLOTS_PER_OWNER: '12/1h',
  MAX_GENERATING_SLOTS_PER_OWNER: '9',
  GENERATION_TIMEOUT_MS: '600000',
};

const sql = testSql();
let musicgpt: MusicGptStandIn;
let one: RunningStack;
let two: RunningStack;

beforeAll(async () => {
  musicgpt = await startMusicGptStandIn();
  [one, two] = await Promise.all([
    startMusicGptServer(LIMITS, musicgpt).then((s) => s.server),
    startMusicGptServer(LIMITS, musicgpt).then((s) => s.server),
  ]);
});
afterAll(async () => {
  await Promise.all([one?.stop(), two?.stop()]);
  await musicgpt?.close();
  await sql.end();
});

const slotCount = async (formId: string) =>
  (await sql`select id from slots where form_id = ${formId}`).length;

it('two API processes share one forms budget; a limited submit applies nothing and its form waits, other forms go on', async () => {
  const guest = await makeGuest();
  const [a, b] = [onServer(guest, one.baseUrl), onServer(guest, two.baseUrl)];
  const started: { formId: string; submit: ReturnType<typeof ops.submit> }[] = [];
  for (const [i, via] of [a, b, a].entries()) {
    const formId = await createForm(via, 1);
    const submit = ops.submit(formId);
    const answer = await syncAnswer(via, [submit]);
    expect(answer.status, `form ${i + 1}`).toBe(200);
    started.push({ formId, submit });
  }

  // The fourth form, through the other process: over the budget of three.
  const fourth = await createForm(b, 1);
  const [submit, laterEdit, otherForm] = [
    ops.submit(fourth),
    ops.draftPut(fourth, { ...draftOf(1), songs: [{ ...draftOf(1).songs[0]!, recipient: 'Zoe' }] }),
    ops.draftPut(randomUUID(), draftOf(1)),
  ];
  const answer = await syncAnswer(b, [submit, laterEdit, otherForm]);
  expect(answer.status).toBe(429);
  expect(Number(answer.retryAfter)).toBeGreaterThan(3000);
  expect(answer.body.error).toMatch(
    /^You've sent a lot of song requests in the last hour\. You can send more in about \d+ minutes?\.$/,
  );
  const [s, edit, other] = answer.body.results;
  expect(s).toMatchObject({ id: submit.id, status: 'limited' });
  expect(s!.retryAfterMs).toBeGreaterThan(3_000_000);
  // The edit made after the submit waits for it, so it cannot change what the submit freezes.
  expect(edit).toMatchObject({ id: laterEdit.id, status: 'limited' });
  expect(edit!.error).toMatch(/waits for an earlier one/);
  expect(other).toMatchObject({ id: otherForm.id, status: 'applied' });

  const [form] =
    await sql`select status, draft->'songs'->0->>'recipient' as recipient from forms where id = ${fourth}`;
  expect(form).toEqual({ status: 'draft', recipient: 'Ana' });
  expect(await slotCount(fourth)).toBe(0);
  expect(await sql`select 1 from songs where form_id = ${fourth}`).toHaveLength(0);
  expect(
    await sql`select 1 from sync_ops where id in (${submit.id}, ${laterEdit.id})`,
  ).toHaveLength(0);

  // Replays are answered from the ledger, never limited; a resubmit of a started form under a
  // new id (another device) starts nothing, so it is not limited either.
  const replay = await syncAnswer(a, [started[0]!.submit]);
  expect(replay.status).toBe(200);
  expect(replay.body.results[0]!.status).toBe('duplicate');
  const resubmit = await syncAnswer(a, [ops.submit(started[1]!.formId)]);
  expect(resubmit.status).toBe(200);
  expect(resubmit.body.results[0]!.status).toBe('applied');
  expect(await slotCount(started[1]!.formId)).toBe(3);

  // generation.request is no way around it: starting a fourth form that way is limited too.
  const request = await syncAnswer(a, [ops.request(fourth, 0, 0)]);
  expect(request.status).toBe(429);
  expect(request.body.results[0]!.status).toBe('limited');
  expect(await slotCount(fourth)).toBe(0);
});

it('songs started per hour are limited across form.submit and generation.request', async () => {
  const guest = onServer(await makeGuest(), one.baseUrl);
  const first = await createForm(guest, 2);
  expect((await syncAnswer(guest, [ops.submit(first)])).status).toBe(200);
  await waitForSlots(sql, first, 6);
  const second = await createForm(guest, 2);
  // Six more songs one by one make 12 of 12 this hour; a third form's first song is the 13th.
  const requests = [0, 1].flatMap((song) => [0, 1, 2].map((v) => ops.request(second, song, v)));
  const answer = await syncAnswer(guest, requests);
  expect(answer.status).toBe(200);
  expect(answer.body.results.every((r) => r.status === 'applied')).toBe(true);
  await waitForSlots(sql, second, 6);

  const third = await createForm(guest, 1);
  const limited = await syncAnswer(guest, [ops.submit(third)]);
  expect(limited.status).toBe(429);
  expect(limited.body.error).toMatch(
    /^You've started a lot of songs in the last hour\. You can start more in about \d+ minutes?\.$/,
  );
  expect(await slotCount(third)).toBe(0);
});

it('songs in the making at once are limited; the answer says to wait for some to finish', async () => {
  musicgpt.script.completes = false;
  try {
    const guest = onServer(await makeGuest(), two.baseUrl);
    const first = await createForm(guest, 2);
    expect((await syncAnswer(guest, [ops.submit(first)])).status).toBe(200);
    const second = await createForm(guest, 2);
    // 6 + 6 = 12 songs this hour fit, but 12 in the making at once do not (9).
    const answer = await syncAnswer(guest, [ops.submit(second)]);
    expect(answer.status).toBe(429);
    expect(answer.retryAfter).toBe('30');
    expect(answer.body.error).toBe(
      'You have 6 songs being made right now. You can start more once some of them are done.',
    );
    expect(await slotCount(second)).toBe(0);
  } finally {
    musicgpt.script.completes = true;
    for (const t of musicgpt.tasks.values())
      if (t.state === 'in_progress') musicgpt.complete(t.taskId);
  }
});

it('a form bigger than the server ever allows at once is refused for good, with the reason', async () => {
  const guest = onServer(await makeGuest(), one.baseUrl);
  const formId = await createForm(guest, 5);
  const [answer] = await sync(guest, [ops.submit(formId)]);
  expect(answer).toMatchObject({ status: 'rejected', code: 'limit' });
  expect(answer!.error).toMatch(/starts 15 songs at once, more than this server ever allows/);
  expect(await slotCount(formId)).toBe(0);
  expect(byStatus([answer!], 'limited')).toHaveLength(0);
});
