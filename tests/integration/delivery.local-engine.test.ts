import fs from 'node:fs';
import path from 'node:path';
import type { TimedLine } from '../../schema/lyrics.ts';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parseMp3 } from '../../server/media/mp3/frames.ts';
import { makeGuest } from '../helpers/api.ts';
import { startApiServer } from '../helpers/api-server.ts';
import { testSql, waitForSlots } from '../helpers/generation.ts';
import { createForm, ops, sync } from '../helpers/ops.ts';
import type { RunningStack } from '../helpers/stack.ts';

const sql = testSql();
let server: RunningStack;
let neighbour: RunningStack;

beforeAll(async () => {
  // The built-in engine, rendering both takes of a variation at once, and another API process of
  // the same installation beside it, whose reconciler runs as every process's does: it must leave
  // a render it does not hold alone (neither poll it nor fetch its audio from its own storage).
  // A long lease: on a loaded machine a render's lease renewals can come late, and every test
  // server shares one database but not one DATA_DIR, so a lapsed lease let another server render
  // the slot into storage this one cannot read.
  const engine = {
    MUSIC_PROVIDER: 'local',
    GENERATION_TIMEOUT_MS: '600000',
    SLOT_LEASE_MS: '60000',
  };
  [server, neighbour] = await Promise.all([
    startApiServer({ ...engine, ENGINE_CONCURRENCY: '2' }),
    startApiServer(engine),
  ]);
});
afterAll(async () => {
  await Promise.all([server?.stop(), neighbour?.stop()]);
  await sql.end();
});

it('takes of the built-in engine are played as the preview it rendered beside them', async () => {
  const guest = await makeGuest(server.baseUrl);
  const formId = await createForm(guest, 1);
  // One variation (two takes) is enough: the fewer renders, the sooner it is done. Renders share
  // two cores with every other test's, so this takes minutes on a loaded machine.
  const [requested] = await sync(guest, [ops.request(formId, 0, 0)]);
  expect(requested!.status).toBe('applied');
  const [slot] = await waitForSlots(sql, formId, 1, 'ready', 300_000);
  const events = await sql<{ kind: string }[]>`
    select kind from generation_events where slot_id = ${slot!.id} order by id`;
  expect(events.map((e) => e.kind)).not.toContain('failed');

  const takes = await sql<
    {
      id: string;
      audio_file: string;
      preview_file: string;
      duration_sec: number;
      lyrics_timestamped: TimedLine[];
    }[]
  >`
    select id, audio_file, preview_file, duration_sec, lyrics_timestamped
    from takes where form_id = ${formId}`;
  expect(takes).toHaveLength(2);
  // Every take says when each sung line starts, in order, inside the take.
  for (const take of takes) {
    const times = take.lyrics_timestamped;
    expect(times.length).toBeGreaterThan(4);
    for (let i = 1; i < times.length; i++) {
      expect(times[i]!.startSec).toBeGreaterThan(times[i - 1]!.startSec);
    }
    expect(times.at(-1)!.startSec).toBeLessThan(take.duration_sec);
  }
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

  // A stored file gone from this server's disk is a missing file, said so, not a server error.
  const gone = takes[0]!;
  fs.rmSync(path.join(server.dataDir, 'audio', gone.preview_file));
  const missing = await fetch(
    `${server.baseUrl}${form.takes.find((t) => t.id === gone.id)!.audioUrl}`,
  );
  expect(missing.status).toBe(404);
  expect(((await missing.json()) as { error: string }).error).toMatch(/not stored on this server/);
}, 420_000);
