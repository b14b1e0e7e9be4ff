import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import type { DraftDoc } from '../../schema/draft.ts';
import { makeGuest } from '../helpers/api.ts';
import { musicGptFixture } from '../helpers/fixtures.ts';
import { waitForSlots } from '../helpers/generation.ts';
import { op, ops, song, sync } from '../helpers/ops.ts';
import { waitFor } from '../helpers/stack.ts';

// A name said another way than it is spelled: MusicGPT reads the respelling where the lyrics
// name the person, while the lyrics the person reads (the slot's, each take's, its timed lines)
// keep the spelling, though MusicGPT hands back the lyrics it sang.

const fx = musicGptFixture();
const { sql } = fx;

/** MusicGPT tasks made for one slot (its webhook URL carries the slot id). */
const tasksOf = (slotId: string) =>
  [...fx.musicgpt.tasks.values()].filter((t) => String(t.body.webhook_url).includes(slotId));

const slotsOf = (formId: string) =>
  sql<{ id: string; lyrics: string }[]>`
    select id, lyrics from slots where form_id = ${formId} and is_current order by variation_index`;

it('sings the respelling of the name and shows the name as spelled', async () => {
  const guest = await makeGuest(fx.server.baseUrl);
  const formId = randomUUID();
  const draft: DraftDoc = {
    songCount: 1,
    songs: [
      song({
        recipient: 'Siobhan',
        pronunciation: 'shi-VAWN',
        story: 'Siobhan sings in the kitchen every morning while the kettle boils.',
      }),
    ],
  };
  expect(
    (await sync(guest, [ops.draftPut(formId, draft), ops.submit(formId)])).map((r) => r.status),
  ).toEqual(['applied', 'applied']);
  await waitForSlots(sql, formId, 3, 'ready', 120_000);

  const [brief] = await sql<{ brief: { pronunciation?: string } }[]>`
    select brief from songs where form_id = ${formId}`;
  expect(brief!.brief.pronunciation).toBe('shi-VAWN');

  await waitFor(
    async () => {
      const [open] = await sql<{ n: number }[]>`
        select count(*)::int as n from takes where form_id = ${formId} and lyrics_timestamped is not null`;
      return open!.n === 6;
    },
    60_000,
    () => 'the takes never got their timed lyrics',
  );
  const slots = await slotsOf(formId);
  expect(slots).toHaveLength(3);
  for (const slot of slots) {
    // The written lyrics name her as spelled, and nothing else is changed on the way.
    expect(slot.lyrics).toMatch(/\bSiobhan\b/i);
    expect(slot.lyrics).not.toContain('shi-VAWN');
    const [task] = tasksOf(slot.id);
    expect(task!.body.lyrics).toBe(slot.lyrics.replace(/\bSiobhan\b/gi, 'shi-VAWN'));

    // The stand-in hands back the lyrics it was sent, as MusicGPT does; they are stored spelled.
    const takes = await sql<{ lyrics: string | null; lyrics_timestamped: unknown }[]>`
      select lyrics, lyrics_timestamped from takes where slot_id = ${slot.id} order by take_index`;
    expect(takes).toHaveLength(2);
    for (const take of takes) {
      expect(take.lyrics).toBe(slot.lyrics);
      const timed = JSON.stringify(take.lyrics_timestamped);
      expect(timed).toMatch(/Siobhan/);
      expect(timed).not.toMatch(/shi-VAWN/i);
    }
  }

  // The person's own lyrics, a possessive among them, reach MusicGPT as written apart from the name.
  const lyrics = "[Verse]\nSiobhan's kettle sings at six\nSIOBHAN, hum along with me";
  const [revised] = await sync(guest, [op('variation.revise', { slotId: slots[0]!.id, lyrics })]);
  expect(revised!.status).toBe('applied');
  const [again] = await sql<{ id: string }[]>`
    select id from slots where form_id = ${formId} and variation_index = 0 and attempt = 2`;
  await waitFor(
    async () => tasksOf(again!.id).length === 1,
    60_000,
    () => 'no call for the changed version',
  );
  expect(tasksOf(again!.id)[0]!.body.lyrics).toBe(
    "[Verse]\nshi-VAWN's kettle sings at six\nshi-VAWN, hum along with me",
  );
  await waitFor(
    async () => {
      const [take] = await sql<{ lyrics: string | null }[]>`
        select lyrics from takes where slot_id = ${again!.id} and lyrics is not null limit 1`;
      return take?.lyrics === lyrics;
    },
    60_000,
    () => 'the changed version’s take never stored its lyrics as written',
  );
});

it('suggests respellings from the dictionary, without a token', async () => {
  const res = await fetch(`${fx.server.baseUrl}/api/pronounce?name=Siobhan`);
  expect(res.status).toBe(200);
  expect(await res.json()).toEqual({ name: 'Siobhan', respellings: ['SHOW-bahn', 'shuh-VAWN'] });
  const refused = await fetch(`${fx.server.baseUrl}/api/pronounce?name=${'x'.repeat(61)}`);
  expect(refused.status).toBe(400);
});
