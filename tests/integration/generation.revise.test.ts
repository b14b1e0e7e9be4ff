import { expect, it } from 'vitest';
import { REVISIONS_PER_SONG } from '../../schema/ops.ts';
import { makeGuest } from '../helpers/api.ts';
import { musicGptFixture } from '../helpers/fixtures.ts';
import { waitForSlots } from '../helpers/generation.ts';
import { createForm, op, ops, sync } from '../helpers/ops.ts';
import { waitFor } from '../helpers/stack.ts';

// Changing a version before paying: new lyrics, a direction, or both. Each applied op makes one
// new attempt and one provider call, whatever replays; the person's lyrics reach MusicGPT as they
// wrote them; the included changes per song are enforced, in words.

const fx = musicGptFixture();
const { sql } = fx;

const revise = (args: { slotId: string; lyrics?: string; direction?: string }, id?: string) =>
  op('variation.revise', args, id);

/** MusicGPT tasks made for one slot (its webhook URL carries the slot id). */
const tasksOf = (slotId: string) =>
  [...fx.musicgpt.tasks.values()].filter((t) => String(t.body.webhook_url).includes(slotId));

const currentOf = async (formId: string, variationIndex: number) => {
  const [slot] = await sql<
    { id: string; attempt: number; status: string; music_prompt: string; lyrics: string }[]
  >`
    select id, attempt, status, music_prompt, lyrics from slots
    where form_id = ${formId} and song_index = 0 and variation_index = ${variationIndex} and is_current`;
  return slot!;
};

it('makes a version again from the person’s lyrics, then from a direction: one attempt and one call per op, however often it is sent', async () => {
  const guest = await makeGuest(fx.server.baseUrl);
  const formId = await createForm(guest, 1);
  await sync(guest, [ops.submit(formId)]);
  await waitForSlots(sql, formId, 3, 'ready', 120_000);
  const first = await currentOf(formId, 0);

  const lyrics =
    '[Verse 1]\nAna, the kettle sings at six\nYou hum along, off key\n\n[Chorus]\nStay, stay, stay with me';
  const byLyrics = revise({ slotId: first.id, lyrics });
  fx.musicgpt.script.completes = false;
  // Ten sends of one op, from ten tabs at once: one applies, the rest are the same op.
  const answers = (
    await Promise.all(Array.from({ length: 10 }, () => sync(guest, [byLyrics])))
  ).flat();
  expect(answers.filter((a) => a.status === 'applied')).toHaveLength(1);
  expect(answers.filter((a) => a.status === 'duplicate')).toHaveLength(9);
  const second = await currentOf(formId, 0);
  expect(second.attempt).toBe(2);
  expect(second.lyrics).toBe(lyrics);

  // While it is being made it cannot be changed again.
  const [early] = await sync(guest, [revise({ slotId: second.id, direction: 'slower' })]);
  expect(early).toMatchObject({ status: 'rejected', code: 'state' });
  expect(early!.error).toMatch(/still being made/);

  await waitFor(
    async () => tasksOf(second.id).length === 1,
    60_000,
    () => 'no call for attempt 2',
  );
  const [task] = tasksOf(second.id);
  // MusicGPT gets the lyrics exactly as written.
  expect(task!.body.lyrics).toBe(lyrics);
  fx.musicgpt.script.completes = true;
  fx.musicgpt.complete(task!.taskId);
  await waitFor(
    async () => (await currentOf(formId, 0)).status === 'ready',
    60_000,
    () => 'attempt 2 never became ready',
  );

  const byDirection = revise({ slotId: second.id, direction: 'slower, with piano' });
  for (let i = 0; i < 10; i++) await sync(guest, [byDirection]);
  const third = await currentOf(formId, 0);
  expect(third.attempt).toBe(3);
  expect(third.lyrics).toBe(lyrics);
  expect(third.music_prompt.startsWith('slower, with piano. ')).toBe(true);
  expect(third.music_prompt.length).toBeLessThanOrEqual(280);
  await waitFor(
    async () => tasksOf(third.id).length === 1,
    60_000,
    () => 'no call for attempt 3',
  );

  // Exactly two new attempts and two calls for two ops, sent twenty times in all.
  const attempts = await sql`
    select 1 from slots where form_id = ${formId} and song_index = 0 and variation_index = 0`;
  expect(attempts).toHaveLength(3);
  expect(tasksOf(first.id)).toHaveLength(1);
  expect(tasksOf(second.id)).toHaveLength(1);
  expect(tasksOf(third.id)).toHaveLength(1);

  // The same op id with another body is a conflict, not a replay.
  const [conflict] = await sync(guest, [
    revise({ slotId: first.id, lyrics: 'other words' }, byLyrics.id),
  ]);
  expect(conflict).toMatchObject({ status: 'rejected', code: 'conflict' });

  // The song's included changes are used up; another variation of it is refused too.
  await waitForSlots(sql, formId, 3, 'ready', 120_000);
  const other = await currentOf(formId, 1);
  const [over] = await sync(guest, [revise({ slotId: other.id, direction: 'faster' })]);
  expect(over).toMatchObject({ status: 'rejected', code: 'limit' });
  expect(over!.error).toContain(`each song includes ${REVISIONS_PER_SONG} changes before paying`);
  expect((await currentOf(formId, 1)).attempt).toBe(1);
});

it('refuses a change that says nothing, someone else’s version, and empty lyrics, in words', async () => {
  const guest = await makeGuest(fx.server.baseUrl);
  const formId = await createForm(guest, 1);
  await sync(guest, [ops.submit(formId)]);
  await waitForSlots(sql, formId, 3, 'ready', 120_000);
  const slot = await currentOf(formId, 2);
  const stranger = await makeGuest(fx.server.baseUrl);
  const [nothing, blank, theirs] = await sync(guest, [
    revise({ slotId: slot.id, direction: '  ' }),
    revise({ slotId: slot.id, lyrics: '   ' }),
    revise({ slotId: '00000000-0000-4000-8000-000000000000', direction: 'slower' }),
  ]);
  expect(nothing).toMatchObject({ status: 'rejected', code: 'invalid' });
  expect(nothing!.error).toMatch(/say what to change/);
  expect(blank!.error).toMatch(/the lyrics are empty/);
  expect(theirs).toMatchObject({ status: 'rejected', code: 'not_found' });
  const [forbidden] = await sync(stranger, [revise({ slotId: slot.id, direction: 'slower' })]);
  expect(forbidden!.status).toBe('rejected');
  expect((await currentOf(formId, 2)).attempt).toBe(1);
});
