import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, expect, it } from 'vitest';
import { QUIET_RECONCILER } from '../helpers/api-server.ts';
import { makeGuest } from '../helpers/api.ts';
import { startMusicGptServer, testSql, waitForSlots } from '../helpers/generation.ts';
import { toneMp3, wavFile } from '../helpers/media.ts';
import { createForm, ops, sync } from '../helpers/ops.ts';
import { waitFor, type RunningStack } from '../helpers/stack.ts';
import type { MusicGptStandIn } from '../standins/musicgpt.ts';

const sql = testSql();
let server: RunningStack | undefined;
let musicgpt: MusicGptStandIn | undefined;
let files: Server | undefined;
afterAll(async () => {
  await server?.stop();
  await musicgpt?.close();
  await new Promise((resolve) => (files ? files.close(resolve) : resolve(undefined)));
  await sql.end();
});

it('MP3 and WAV are kept when the takes arrive: downloads work after the provider deletes its files', async () => {
  const mp3 = toneMp3(40);
  const wav = wavFile(96_000);
  let deleted = false;
  const served: string[] = [];
  files = createServer((req, res) => {
    served.push(req.url!);
    // MusicGPT keeps WAVs 7 days and MP3s 90: after that its links answer an error.
    if (deleted) {
      res.writeHead(502).end();
      return;
    }
    const body = req.url!.endsWith('.wav') ? wav : mp3;
    res.writeHead(200, {
      'content-type': req.url!.endsWith('.wav') ? 'audio/wav' : 'audio/mpeg',
      'content-length': body.length,
    });
    res.end(body);
  });
  await new Promise<void>((resolve) => files!.listen(0, '127.0.0.1', resolve));
  const filesUrl = `http://127.0.0.1:${(files.address() as AddressInfo).port}`;
  ({ server, musicgpt } = await startMusicGptServer({
    ...QUIET_RECONCILER,
    MEDIA_TRUSTED_HOSTS: new URL(filesUrl).host,
  }));
  musicgpt.script.completes = false;
  musicgpt.script.webhooks = 'none';

  const owner = await makeGuest(server.baseUrl);
  const formId = await createForm(owner, 1);
  await sync(owner, [ops.submit(formId)]);
  const slotIds = (await sql`select id from slots where form_id = ${formId}`).map(
    (s) => s.id as string,
  );
  const tasks = () =>
    [...musicgpt!.tasks.values()].filter((t) =>
      slotIds.some((id) => String(t.body.webhook_url).includes(id)),
    );
  await waitFor(
    () => tasks().length === 3,
    60_000,
    () => `${tasks().length} tasks`,
  );
  for (const task of tasks()) {
    for (const hook of task.webhooks.filter((w) => w.kind === 'music')) {
      const id = String(hook.body.conversion_id);
      const res = await fetch(String(task.body.webhook_url), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          ...hook.body,
          conversion_path: `${filesUrl}/${id}.mp3`,
          conversion_path_wav: `${filesUrl}/${id}.wav`,
        }),
      });
      expect(res.status).toBe(200);
    }
  }
  const slots = await waitForSlots(sql, formId, 3, 'ready', 120_000);
  // Every take's WAV is kept before anyone asks for it, each fetched once.
  await waitFor(
    async () => {
      const [row] = await sql<{ missing: number }[]>`
        select count(*)::int as missing from takes where form_id = ${formId} and wav_file is null`;
      return row!.missing === 0;
    },
    120_000,
    () => `served ${served.length}`,
  );
  expect(served.filter((u) => u.endsWith('.wav'))).toHaveLength(6);
  expect(new Set(served.filter((u) => u.endsWith('.wav'))).size).toBe(6);

  // Weeks later: the provider's copies are gone. The buyer chooses, pays and downloads.
  deleted = true;
  const chosen = slots.find((s) => s.variation_index === 1)!;
  const [answer] = await sync(owner, [ops.select(formId, 0, chosen.id, 2)]);
  expect(answer!.status).toBe('applied');
  const res = await owner.fetch(`/api/forms/${formId}/checkout`, { method: 'POST', body: '{}' });
  const { url } = (await res.json()) as { url: string };
  expect((await fetch(`${url}/pay`, { method: 'POST', redirect: 'manual' })).status).toBe(303);
  const list = await owner.fetch(`/api/forms/${formId}/downloads`);
  expect(list.status).toBe(200);
  const [song] = ((await list.json()) as { songs: { mp3Url: string; wavUrl?: string }[] }).songs;
  const before = served.length;
  const gotWav = await fetch(`${server.baseUrl}${song!.wavUrl}`);
  expect(gotWav.status).toBe(200);
  expect(gotWav.headers.get('content-type')).toBe('audio/wav');
  expect(Buffer.from(await gotWav.arrayBuffer()).equals(wav)).toBe(true);
  const gotMp3 = await fetch(`${server.baseUrl}${song!.mp3Url}`);
  expect(gotMp3.status).toBe(200);
  expect(Buffer.from(await gotMp3.arrayBuffer()).equals(mp3)).toBe(true);
  // Served from storage: the provider was not asked again.
  expect(served.length).toBe(before);
});
