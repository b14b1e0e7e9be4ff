import { afterAll, beforeAll, expect, it } from 'vitest';
import { parseMp3 } from '../../server/providers/local/engine/mp3.ts';
import { makeGuest } from '../helpers/api.ts';
import { startApiServer } from '../helpers/api-server.ts';
import { testSql, waitForSlots } from '../helpers/generation.ts';
import { createForm, ops, sync } from '../helpers/ops.ts';
import type { RunningStack } from '../helpers/stack.ts';

const sql = testSql();
let server: RunningStack;

beforeAll(async () => {
  // The built-in engine, rendering both takes of a variation at once.
  // Its reconciler would poll other tests' slots through this engine, which knows none of their
  // tasks and would fail them; renders report themselves, so it is kept idle while tests run.
  server = await startApiServer({
    MUSIC_PROVIDER: 'local',
    ENGINE_CONCURRENCY: '2',
    SLOT_LEASE_MS: '60000',
    RECONCILE_AFTER_MS: '600000',
    RECONCILE_INTERVAL_MS: '600000',
    GENERATION_TIMEOUT_MS: '600000',
  });
});
afterAll(async () => {
  await server?.stop();
  await sql.end();
});

it('takes of the built-in engine are played as the preview it rendered beside them', async () => {
  const guest = await makeGuest(server.baseUrl);
  const formId = await createForm(guest, 1);
  // One variation (two takes) is enough, and finishes long before other test servers' one-minute
  // generation timeout could reach it.
  const [requested] = await sync(guest, [ops.request(formId, 0, 0)]);
  expect(requested!.status).toBe('applied');
  await waitForSlots(sql, formId, 1, 'ready', 120_000);

  const takes = await sql<
    { id: string; audio_file: string; preview_file: string; duration_sec: number }[]
  >`
    select id, audio_file, preview_file, duration_sec from takes where form_id = ${formId}`;
  expect(takes).toHaveLength(2);
  const form = (await (await guest.fetch(`/api/forms/${formId}`)).json()) as {
    takes: { id: string; audioUrl: string }[];
  };
  for (const take of takes) {
    expect(take.preview_file).toBe(take.audio_file.replace(/\.mp3$/, '.preview.mp3'));
    expect(take.duration_sec).toBeGreaterThan(40);
    const res = await fetch(
      `${server.baseUrl}${form.takes.find((t) => t.id === take.id)!.audioUrl}`,
    );
    expect(res.status).toBe(200);
    const seconds = parseMp3(Buffer.from(await res.arrayBuffer())).durationSec;
    expect(seconds).toBeGreaterThan(25);
    expect(seconds).toBeLessThanOrEqual(30.1);
  }
}, 180_000);
