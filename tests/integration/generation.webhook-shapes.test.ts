import { describe, expect, it } from 'vitest';
import { makeGuest } from '../helpers/api.ts';
import { QUIET_RECONCILER } from '../helpers/api-server.ts';
import { musicGptFixture } from '../helpers/fixtures.ts';
import { requestOneVariation, waitForSlots } from '../helpers/generation.ts';
import { createForm, ops, sync } from '../helpers/ops.ts';
import { waitFor } from '../helpers/stack.ts';
import type { WebhookOrder } from '../standins/musicgpt.ts';

// Music AI V2's seven webhooks, as MusicGPT's docs show them, against a server whose reconciler
// stays idle: whatever finishes a song here is a webhook, or the byId call a webhook asked for.

const fx = musicGptFixture(QUIET_RECONCILER);
const { sql } = fx;

interface SlotRow {
  id: string;
  title: string;
  task_id: string;
  status: string;
  cover_url: string | null;
}

/** One song (three slots) submitted and finished under `order`; its slots and their tasks. */
async function songWith(order: WebhookOrder) {
  fx.musicgpt.reset();
  fx.musicgpt.script.webhooks = order;
  const guest = await makeGuest(fx.server.baseUrl);
  const formId = await createForm(guest, 1);
  await sync(guest, [ops.submit(formId)]);
  await waitForSlots(sql, formId, 3, 'ready', 90_000);
  const read = () => sql<SlotRow[]>`
    select id, title, task_id, status, cover_url from slots where form_id = ${formId} and is_current`;
  const tasks = (await read()).map((s) => fx.musicgpt.tasks.get(s.task_id)!);
  await Promise.all(tasks.map((t) => fx.musicgpt.webhooksSettled(t.taskId)));
  // A slot is ready once both takes are stored; its cover may land a moment later.
  let slots: SlotRow[] = [];
  await waitFor(
    async () => (slots = await read()).every((s) => s.cover_url !== null),
    60_000,
    () => `covers: ${JSON.stringify(slots.map((s) => s.cover_url))}`,
  );
  return { formId, slots, tasks };
}

/** Every slot has its cover and two stored takes with MusicGPT's titles and timed lyrics. */
async function expectFullSong(formId: string, slots: SlotRow[]) {
  for (const slot of slots) {
    expect(slot.cover_url).toMatch(new RegExp(`^/api/audio/covers/${slot.id}\\?sig=`));
  }
  const takes = await sql<
    { slot_id: string; title: string; timed: boolean; audio_file: string | null; remote: string }[]
  >`
    select slot_id, title, lyrics_timestamped is not null as timed, audio_file,
      coalesce(remote_audio_url, '') as remote
    from takes where form_id = ${formId}`;
  expect(takes).toHaveLength(6);
  for (const take of takes) {
    expect(take.audio_file).not.toBeNull();
    expect(take.timed).toBe(true);
    expect(take.title).toMatch(/\(take [12]\)$/);
    expect(take.remote).not.toMatch(/m3u8/);
  }
}

function streamRequests(): number {
  return [...fx.musicgpt.fileRequests.keys()].filter((name) => name.startsWith('streams/')).length;
}

describe('Music AI V2 webhooks', () => {
  it.each<WebhookOrder>(['in-order', 'reversed', 'duplicated', 'streaming-first'])(
    'all seven, %s: a full song from webhooks alone, no byId call, no stream taken for audio',
    async (order) => {
      const { formId, slots, tasks } = await songWith(order);
      await expectFullSong(formId, slots);
      expect(fx.musicgpt.polls).toBe(0);
      expect(streamRequests()).toBe(0);
      // Every one of the seven (twice, when duplicated) was answered 200: nothing to retry.
      const delivered = fx.musicgpt.deliveries.filter((d) =>
        tasks.some((t) => t.taskId === d.taskId),
      );
      expect(delivered).toHaveLength(3 * 7 * (order === 'duplicated' ? 2 : 1));
      expect(delivered.every((d) => d.status === 200)).toBe(true);
      const [recorded] = await sql<{ n: number }[]>`
        select count(*)::int as n from webhook_deliveries
        where slot_id in ${sql(slots.map((s) => s.id))} and payload->>'subtype' = 'audio_streaming'`;
      expect(recorded!.n).toBe(6);
    },
  );

  it('asks for the model, the title, a cover and timed lyrics in every request', async () => {
    const { slots, tasks } = await songWith('in-order');
    for (const task of tasks) {
      const slot = slots.find((s) => s.task_id === task.taskId)!;
      expect(task.body).toMatchObject({
        model: 'v6',
        title: slot.title,
        generate_album_cover: true,
        lyrics_timestamps: true,
      });
      expect('voice_id' in task.body || 'vocal_only' in task.body).toBe(false);
    }
  });

  it('only the docs’ generic sample: answered 200, and each slot completes through the byId call it triggers', async () => {
    const { formId, slots, tasks } = await songWith('documented-sample');
    await expectFullSong(formId, slots);
    const delivered = fx.musicgpt.deliveries.filter((d) =>
      tasks.some((t) => t.taskId === d.taskId),
    );
    expect(delivered.map((d) => [d.kind, d.status])).toEqual([
      ['sample', 200],
      ['sample', 200],
      ['sample', 200],
    ]);
    // One byId call per slot, each booked in the ledger.
    expect(fx.musicgpt.polls).toBe(3);
    const polls = await sql<{ n: number }[]>`
      select count(*)::int as n from provider_calls
      where slot_id in ${sql(slots.map((s) => s.id))} and kind = 'poll'
      group by slot_id`;
    expect(polls.map((p) => p.n)).toEqual([1, 1, 1]);
  });

  it('a streaming webhook never becomes a take’s audio, even before any music webhook', async () => {
    fx.musicgpt.reset();
    fx.musicgpt.script.completes = false;
    fx.musicgpt.script.webhooks = 'none';
    const { formId, slotId, task } = await requestOneVariation(sql, fx.server, fx.musicgpt);
    const streams = task.webhooks.filter((w) => w.kind === 'streaming');
    expect(streams).toHaveLength(2);
    for (const stream of streams) {
      const res = await fetch(String(task.body.webhook_url), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(stream.body),
      });
      expect(res.status).toBe(200);
    }
    expect(await sql`select id from takes where slot_id = ${slotId}`).toEqual([]);
    const [recorded] = await sql<{ n: number }[]>`
      select count(*)::int as n from webhook_deliveries where slot_id = ${slotId}`;
    expect(recorded!.n).toBe(2);

    fx.musicgpt.script.webhooks = 'streaming-first';
    fx.musicgpt.complete(task.taskId);
    await waitForSlots(sql, formId, 1, 'ready', 90_000);
    await fx.musicgpt.webhooksSettled(task.taskId);
    const takes = await sql<{ remote_audio_url: string; audio_file: string }[]>`
      select remote_audio_url, audio_file from takes where slot_id = ${slotId}`;
    expect(takes).toHaveLength(2);
    for (const take of takes) {
      expect(take.remote_audio_url).toMatch(/\.mp3$/);
      expect(take.audio_file).not.toBeNull();
    }
    expect(streamRequests()).toBe(0);
  });
});
