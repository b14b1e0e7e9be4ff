import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { musicGptFixture } from '../helpers/fixtures.ts';
import { makeGuest, type Guest } from '../helpers/api.ts';
import { startMusicGptServer, waitForSlots } from '../helpers/generation.ts';
import { draftOf, ops, song, sync } from '../helpers/ops.ts';
import { SAMPLE_SONG, startGroqStandIn } from '../standins/groq.ts';

const fx = musicGptFixture();
const { sql } = fx;

/** Submits a fresh form with these songs; answers how many slots were written fresh vs from cache. */
async function submitSongs(guest: Guest, songs: ReturnType<typeof song>[]) {
  const formId = randomUUID();
  const draft = { songCount: songs.length, songs };
  await sync(guest, [ops.draftPut(formId, draft), ops.submit(formId)]);
  await waitForSlots(sql, formId, songs.length * 3);
  const events = await sql<{ cached: boolean }[]>`
    select (detail->>'cached')::boolean as cached from generation_events where form_id = ${formId} and kind = 'written'`;
  return {
    fresh: events.filter((e) => !e.cached).length,
    cached: events.filter((e) => e.cached).length,
  };
}

/** Submits one song no other test tells; answers its form once its three slots are ready. */
async function submitUniqueSong(baseUrl: string) {
  const guest = await makeGuest(baseUrl);
  const formId = randomUUID();
  // Maria, as in the Groq stand-in's sample song: a draft that never names the person the song is
  // for is refused by the writer's checks (docs/writer.md), and the built-in writer takes over.
  const unique = song({
    recipient: 'Maria',
    story: `a story only this test tells ${randomUUID()}`,
  });
  await sync(guest, [ops.draftPut(formId, { songCount: 1, songs: [unique] }), ops.submit(formId)]);
  return { formId, slots: await waitForSlots(sql, formId, 3) };
}

it('an unchanged song never re-prompts, from any device; changing one song of three rewrites that song only', async () => {
  const unique = randomUUID().slice(0, 8);
  const songs = draftOf(3).songs.map((s, i) => ({ ...s, story: `${s.story} (${unique}-${i})` }));
  const phone = await makeGuest(fx.server.baseUrl);
  expect(await submitSongs(phone, songs)).toEqual({ fresh: 9, cached: 0 });
  // Same songs again, even from another guest's device: every text comes from the cache.
  const laptop = await makeGuest(fx.server.baseUrl);
  expect(await submitSongs(laptop, songs)).toEqual({ fresh: 0, cached: 9 });
  const edited = songs.map((s, i) => (i === 1 ? { ...s, mood: 'nostalgic' } : s));
  expect(await submitSongs(phone, edited)).toEqual({ fresh: 3, cached: 6 });
});

it('with a Groq key, a Groq that keeps failing falls back to the built-in writer, recorded, and nobody is blocked', async () => {
  const groq = await startGroqStandIn();
  groq.script([{ kind: 'serverError', status: 503, retryAfter: '0' }]);
  // Every server of the test run shares one Postgres: a long lease keeps another server's
  // reconciler (with the built-in writer, no fallback to record) from taking these slots over.
  const withGroq = await startMusicGptServer(
    { GROQ_API_KEY: 'gsk_test', GROQ_BASE_URL: groq.url, SLOT_LEASE_MS: '60000' },
    fx.musicgpt,
  );
  try {
    const health = await (await fetch(`${withGroq.server.baseUrl}/api/health`)).json();
    expect(health.writer).toBe('groq');
    const { formId, slots } = await submitUniqueSong(withGroq.server.baseUrl);
    expect(slots).toHaveLength(3);
    const fallbacks = await sql`
      select detail from generation_events where form_id = ${formId} and kind = 'fallback'`;
    expect(fallbacks).toHaveLength(3);
    expect(groq.calls.length).toBeGreaterThanOrEqual(3);
    const [text] =
      await sql`select music_prompt, lyrics from slots where form_id = ${formId} limit 1`;
    expect(text!.music_prompt.length).toBeLessThanOrEqual(280);
    expect(text!.lyrics).toMatch(/\[Chorus\]/);
  } finally {
    await withGroq.server.stop();
    await groq.close();
  }
});

it('with GROQ_MODEL set to a JSON-mode model, Groq writes every song, no fallback, and health names the model and request shape', async () => {
  const groq = await startGroqStandIn();
  groq.script([{ kind: 'ok', content: SAMPLE_SONG }]);
  // A long lease, as above: only this server, with this model, may write these slots.
  const withGroq = await startMusicGptServer(
    {
      GROQ_API_KEY: 'gsk_test',
      GROQ_MODEL: 'llama-3.3-70b-versatile',
      GROQ_BASE_URL: groq.url,
      SLOT_LEASE_MS: '60000',
    },
    fx.musicgpt,
  );
  try {
    const health = await (await fetch(`${withGroq.server.baseUrl}/api/health`)).json();
    expect(health.writer).toBe('groq');
    expect(health.writing).toEqual({
      name: 'groq',
      model: 'llama-3.3-70b-versatile',
      shape: 'json_object',
    });
    expect(JSON.stringify(health)).not.toContain('gsk_test');

    const { formId } = await submitUniqueSong(withGroq.server.baseUrl);
    const events = await sql<{ kind: string; writer: string | null }[]>`
      select kind, detail->>'writer' as writer from generation_events
      where form_id = ${formId} and kind in ('written', 'fallback')`;
    expect(events).toEqual(Array(3).fill({ kind: 'written', writer: 'groq' }));
    const titles = await sql<
      { title: string }[]
    >`select title from slots where form_id = ${formId}`;
    expect(titles.map((t) => t.title)).toEqual(Array(3).fill(SAMPLE_SONG.title));
    expect(groq.calls).toHaveLength(3);
    for (const call of groq.calls) {
      expect(call.behaviour).toBe('ok');
      expect(call.body).toMatchObject({
        model: 'llama-3.3-70b-versatile',
        response_format: { type: 'json_object' },
      });
    }
  } finally {
    await withGroq.server.stop();
    await groq.close();
  }
});
