import { describe, expect, it } from 'vitest';
import { musicGptFixture } from '../helpers/fixtures.ts';
import { makeGuest } from '../helpers/api.ts';
import { waitForSlots } from '../helpers/generation.ts';
import { createForm, ops, sync } from '../helpers/ops.ts';
import type { WebhookOrder } from '../standins/musicgpt.ts';

const fx = musicGptFixture();
const { sql } = fx;

/** The state a slot ends in, without ids and times that differ between runs. */
async function finalState(formId: string) {
  const slots = await sql`
    select s.variation_index, s.status, s.cover_url is not null as has_cover, s.error,
      (select json_agg(json_build_object(
         'take', t.take_index, 'title', t.title, 'lyrics', t.lyrics, 'timed', t.lyrics_timestamped is not null,
         'duration', t.duration_sec, 'stored', t.audio_file is not null, 'url', t.preview_url is not null)
         order by t.take_index) from takes t where t.slot_id = s.id) as takes
    from slots s where s.form_id = ${formId} order by s.variation_index`;
  return slots;
}

async function generateWith(order: WebhookOrder) {
  fx.musicgpt.script.webhooks = order;
  const guest = await makeGuest(fx.server.baseUrl);
  const formId = await createForm(guest, 1);
  await sync(guest, [ops.submit(formId)]);
  await waitForSlots(sql, formId, 3);
  const tasks = (await sql`select task_id from slots where form_id = ${formId}`).map(
    (r) => r.task_id as string,
  );
  await Promise.all(tasks.map((t) => fx.musicgpt.webhooksSettled(t)));
  return { formId, tasks, state: await finalState(formId) };
}

describe('MusicGPT webhooks', () => {
  it('duplicated, reversed, lyrics-first, cover-first and streaming-first deliveries end in the same state as one clean delivery', async () => {
    const clean = await generateWith('in-order');
    expect(clean.state).toHaveLength(3);
    for (const slot of clean.state) {
      expect(slot.status).toBe('ready');
      expect(slot.has_cover).toBe(true);
      expect(slot.takes).toHaveLength(2);
      expect(
        slot.takes.every((t: { stored: boolean; timed: boolean }) => t.stored && t.timed),
      ).toBe(true);
    }
    for (const order of [
      'duplicated',
      'reversed',
      'lyrics-first',
      'cover-first',
      'streaming-first',
    ] as const) {
      const run = await generateWith(order);
      expect(run.state, order).toEqual(clean.state);
    }
  });

  it('a webhook delivered again later changes nothing', async () => {
    const run = await generateWith('in-order');
    const before = await sql`select * from takes where form_id = ${run.formId} order by id`;
    await fx.musicgpt.deliverAgain(run.tasks[0]!);
    await fx.musicgpt.webhooksSettled(run.tasks[0]!);
    const after = await sql`select * from takes where form_id = ${run.formId} order by id`;
    expect(after).toEqual(before);
  });

  it('forged or tokenless webhooks answer 401 and change nothing', async () => {
    const run = await generateWith('in-order');
    const [slot] = await sql`select id from slots where form_id = ${run.formId} limit 1`;
    const before = await finalState(run.formId);
    const deliveriesBefore =
      await sql`select count(*)::int as n from webhook_deliveries where slot_id = ${slot!.id}`;
    const body = JSON.stringify({
      task_id: 'forged',
      conversion_id: 'forged-1',
      conversion_path: 'http://127.0.0.1:1/evil.mp3',
      title: 'forged',
    });
    const url = `${fx.server.baseUrl}/api/webhooks/musicgpt/${slot!.id}`;
    const headers = { 'content-type': 'application/json' };
    expect((await fetch(url, { method: 'POST', headers, body })).status).toBe(401);
    expect((await fetch(`${url}?token=wrong`, { method: 'POST', headers, body })).status).toBe(401);
    const otherTask = [...fx.musicgpt.tasks.values()].find(
      (t) => run.tasks.includes(t.taskId) && !String(t.body.webhook_url).includes(slot!.id),
    )!;
    const otherSlotToken = new URL(String(otherTask.body.webhook_url)).searchParams.get('token');
    expect(
      (await fetch(`${url}?token=${otherSlotToken}`, { method: 'POST', headers, body })).status,
    ).toBe(401);
    expect(await finalState(run.formId)).toEqual(before);
    expect(
      await sql`select count(*)::int as n from webhook_deliveries where slot_id = ${slot!.id}`,
    ).toEqual(deliveriesBefore);
  });
});
