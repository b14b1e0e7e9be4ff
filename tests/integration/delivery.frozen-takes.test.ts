import { describe, expect, it } from 'vitest';
import { encodeMp3 } from '../helpers/mp3.ts';
import { makeGuest, type Guest } from '../helpers/api.ts';
import { musicGptFixture } from '../helpers/fixtures.ts';
import { readyForm, waitForSlots } from '../helpers/generation.ts';
import { createForm, ops, sync } from '../helpers/ops.ts';
import { waitFor } from '../helpers/stack.ts';
import type { StandInTask } from '../standins/musicgpt.ts';

// What a person has heard or read stays as it was: late or forged MusicGPT deliveries for a slot
// that is ready change nothing they saw, and a paid take never changes at all.

const fx = musicGptFixture();
const { sql } = fx;

/** A real MP3 that is not the one the takes have, so storing it would show. */
function otherMp3(): Buffer {
  const pcm = new Float32Array(32_000 * 2);
  for (let i = 0; i < pcm.length; i++) pcm[i] = 0.3 * Math.sin((2 * Math.PI * 523 * i) / 32_000);
  return encodeMp3([pcm], 32_000, 64);
}

async function deliver(task: StandInTask, body: Record<string, unknown>) {
  const res = await fetch(String(task.body.webhook_url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return res.status;
}

/** The lyrics text and MP3 a paid owner downloads, through the links the API hands out. */
async function downloads(guest: Guest, formId: string) {
  const res = await guest.fetch(`/api/forms/${formId}/downloads`);
  expect(res.status).toBe(200);
  const { songs } = (await res.json()) as {
    songs: { title: string; mp3Url: string; lyricsUrl: string }[];
  };
  const song = songs[0]!;
  const txt = await fetch(`${fx.server.baseUrl}${song.lyricsUrl}`);
  const mp3 = await fetch(`${fx.server.baseUrl}${song.mp3Url}`);
  expect([txt.status, mp3.status]).toEqual([200, 200]);
  return { title: song.title, txt: await txt.text(), mp3: Buffer.from(await mp3.arrayBuffer()) };
}

const takesOf = (slotId: string) => sql`select * from takes where slot_id = ${slotId} order by id`;

/** Sends the late deliveries an attacker (or a confused provider) could send for a slot. */
async function lateDeliveries(task: StandInTask, conversionId: string, tag: string) {
  const found = task.webhooks.find(
    (w) => w.kind === 'music' && w.body.conversion_id === conversionId,
  )!;
  // Without its timed lyrics: filling missing ones is the lyrics-only delivery's case.
  const music = { body: { ...found.body, lyrics_timestamped: '' } };
  const other = fx.musicgpt.serveFile(`other-${tag}.mp3`, {
    headers: { 'content-type': 'audio/mpeg' },
    body: otherMp3(),
  });
  const statuses = [
    // The same take again, with another title, lyrics and audio.
    await deliver(task, {
      ...music.body,
      title: `Replaced title ${tag}`,
      lyrics: `Replaced lyrics ${tag}`,
      conversion_path: other,
    }),
    // Lyrics only, as MusicGPT sends them after the music.
    await deliver(task, {
      subtype: 'lyrics_timestamped',
      task_id: task.taskId,
      conversion_id: conversionId,
      lyrics: `Overwritten lyrics ${tag}`,
      lyrics_timestamped: JSON.stringify([{ index: 0, text: tag, start: 0, end: 1000 }]),
    }),
    // A take the slot never had.
    await deliver(task, {
      ...music.body,
      conversion_id: `new-conversion-${tag}`,
      title: `New take ${tag}`,
      conversion_path: other,
    }),
  ];
  // Late deliveries are answered 200: they are recorded, and MusicGPT has nothing to retry.
  expect(statuses).toEqual([200, 200, 200]);
  return other;
}

describe('takes someone has heard or paid for', () => {
  it('a paid take keeps its audio, title and lyrics whatever is delivered later', async () => {
    const guest = await makeGuest(fx.server.baseUrl);
    const formId = await readyForm(sql, guest, 1, 1);
    const checkout = await guest.fetch(`/api/forms/${formId}/checkout`, {
      method: 'POST',
      body: '{}',
    });
    const { url } = (await checkout.json()) as { url: string };
    expect((await fetch(`${url}/pay`, { method: 'POST', redirect: 'manual' })).status).toBe(303);
    const [paid] = await sql<{ take_id: string; slot_id: string; conversion_id: string }[]>`
      select u.take_id, t.slot_id, t.conversion_id
      from unlocks u join takes t on t.id = u.take_id where u.form_id = ${formId}`;
    const [{ task_id: taskId }] = (await sql`
      select task_id from slots where id = ${paid!.slot_id}`) as unknown as [{ task_id: string }];
    const task = fx.musicgpt.tasks.get(taskId)!;

    const before = await downloads(guest, formId);
    expect(before.txt).toContain(before.title);
    const rowsBefore = await takesOf(paid!.slot_id);

    await lateDeliveries(task, paid!.conversion_id, 'paid');

    expect(await downloads(guest, formId)).toEqual(before);
    expect(await takesOf(paid!.slot_id)).toEqual(rowsBefore);
    // Nothing was fetched for the slot either: it is ready, so no link is followed.
    expect(fx.musicgpt.fileRequests.get('other-paid.mp3')).toBeUndefined();

    // The database keeps it so even for a write that skips the merge code.
    await sql`
      update takes set title = 'db title', lyrics = 'db lyrics', audio_file = 'elsewhere.mp3',
        remote_audio_url = 'https://cdn.example.com/x.mp3', lyrics_timestamped = '[]'::jsonb,
        remote_wav_url = 'https://cdn.example.com/x.wav'
      where id = ${paid!.take_id}`;
    await sql`
      insert into takes (slot_id, owner_id, form_id, conversion_id, title)
      select id, owner_id, form_id, 'inserted-behind-the-back', 'x' from slots where id = ${paid!.slot_id}`;
    const kept = await takesOf(paid!.slot_id);
    const frozen = (rows: typeof kept) => rows.map(({ updated_at: _updatedAt, ...rest }) => rest);
    expect(frozen(kept)).toEqual(frozen(rowsBefore));
    expect(await downloads(guest, formId)).toEqual(before);
  });

  it('a ready take nobody paid for keeps what was heard and read; only missing timed lyrics fill in', async () => {
    fx.musicgpt.script.completes = false;
    fx.musicgpt.script.webhooks = 'none';
    const guest = await makeGuest(fx.server.baseUrl);
    const formId = await createForm(guest, 1);
    await sync(guest, [ops.request(formId, 0, 0)]);
    let task: StandInTask | undefined;
    await waitFor(
      async () => {
        const [slot] = await sql`select task_id from slots where form_id = ${formId}`;
        task = slot?.task_id ? fx.musicgpt.tasks.get(slot.task_id) : undefined;
        return task !== undefined;
      },
      30_000,
      () => 'no task',
    );
    // Only the music arrives, without the timed lyrics it may carry: the slot becomes ready
    // without them.
    for (const hook of task!.webhooks.filter((w) => w.kind === 'music')) {
      expect(await deliver(task!, { ...hook.body, lyrics_timestamped: '' })).toBe(200);
    }
    const [slot] = await waitForSlots(sql, formId, 1);
    const rowsBefore = await takesOf(slot!.id);
    expect(rowsBefore.every((t) => t.lyrics_timestamped === null && t.audio_file)).toBe(true);
    const conversionId = task!.conversionIds[0];

    await lateDeliveries(task!, conversionId, 'ready');

    const after = await takesOf(slot!.id);
    expect(after).toHaveLength(2);
    const take = (rows: typeof after) => rows.find((t) => t.conversion_id === conversionId)!;
    const { lyrics_timestamped: timed, updated_at: _u1, ...heard } = take(after);
    const { lyrics_timestamped: _t, updated_at: _u2, ...heardBefore } = take(rowsBefore);
    expect(heard).toEqual(heardBefore);
    expect(timed).toEqual([{ index: 0, text: 'ready', start: 0, end: 1000 }]);
    // Once filled, timed lyrics stay too.
    await deliver(task!, {
      subtype: 'lyrics_timestamped',
      task_id: task!.taskId,
      conversion_id: conversionId,
      lyrics_timestamped: JSON.stringify([{ index: 0, text: 'again', start: 0, end: 1 }]),
    });
    expect(take(await takesOf(slot!.id)).lyrics_timestamped).toEqual(timed);
    expect(fx.musicgpt.fileRequests.get('other-ready.mp3')).toBeUndefined();
  });
});
