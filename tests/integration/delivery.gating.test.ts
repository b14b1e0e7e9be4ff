import { QUIET_RECONCILER } from '../helpers/api-server.ts';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOWNLOAD_TTL_MS, downloadLinks } from '../../server/delivery/links.ts';
import { parseMp3 } from '../../server/media/mp3/frames.ts';
import { toneMp3, wavFile } from '../helpers/media.ts';
import { makeGuest, type Guest } from '../helpers/api.ts';
import { startMusicGptServer, testSql, waitForSlots } from '../helpers/generation.ts';
import { createForm, ops, sync } from '../helpers/ops.ts';
import { waitFor, type RunningStack } from '../helpers/stack.ts';
import type { MusicGptStandIn } from '../standins/musicgpt.ts';

const sql = testSql();
const FULL_SEC = 75;
let server: RunningStack;
let musicgpt: MusicGptStandIn;
let files: Server;
let filesUrl: string;
let fullMp3: Buffer;
let fullWav: Buffer;
let owner: Guest;
let formId: string;
let chosenTake: { id: string; audioUrl: string; lyrics: string };
let otherTake: { id: string; audioUrl: string };

const links = () => downloadLinks(new TextEncoder().encode(server.env.AUTH_SECRET!));
const get = (path: string, init?: RequestInit) => fetch(`${server.baseUrl}${path}`, init);

beforeAll(async () => {
  fullMp3 = toneMp3(FULL_SEC);
  fullWav = wavFile(64_000);
  files = createServer((req, res) => {
    const body = req.url === '/full.wav' ? fullWav : fullMp3;
    res.writeHead(200, {
      'content-type': req.url === '/full.wav' ? 'audio/wav' : 'audio/mpeg',
      'content-length': body.length,
    });
    res.end(body);
  });
  await new Promise<void>((resolve) => files.listen(0, '127.0.0.1', resolve));
  filesUrl = `http://127.0.0.1:${(files.address() as AddressInfo).port}`;

  // The long take is served over http on loopback, so its host is trusted like the stand-in's.
  ({ server, musicgpt } = await startMusicGptServer({
    ...QUIET_RECONCILER,
    MEDIA_TRUSTED_HOSTS: new URL(filesUrl).host,
  }));
  // MusicGPT accepts the tasks; their music webhooks are sent below, pointing at the long take.
  musicgpt.script.completes = false;
  musicgpt.script.webhooks = 'none';
  owner = await makeGuest(server.baseUrl);
  formId = await createForm(owner, 1);
  await sync(owner, [ops.submit(formId)]);
  const slotIds = (await sql`select id from slots where form_id = ${formId}`).map(
    (s) => s.id as string,
  );
  const tasksOf = () =>
    [...musicgpt.tasks.values()].filter((t) =>
      slotIds.some((id) => String(t.body.webhook_url).includes(id)),
    );
  await waitFor(
    () => tasksOf().length === 3,
    30_000,
    () => `${tasksOf().length} tasks`,
  );
  for (const task of tasksOf()) {
    for (const hook of task.webhooks.filter((w) => w.kind === 'music')) {
      const body = {
        ...hook.body,
        conversion_path: `${filesUrl}/full.mp3`,
        conversion_path_wav: `${filesUrl}/full.wav`,
      };
      const res = await fetch(String(task.body.webhook_url), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(res.status).toBe(200);
    }
  }
  const slots = await waitForSlots(sql, formId, 3);
  const chosenSlot = slots.find((s) => s.variation_index === 0)!;
  const [answer] = await sync(owner, [ops.select(formId, 0, chosenSlot.id, 2)]);
  expect(answer!.status).toBe('applied');
  const form = (await (await owner.fetch(`/api/forms/${formId}`)).json()) as {
    takes: { id: string; slotId: string; take: number; audioUrl: string; lyrics: string }[];
  };
  chosenTake = form.takes.find((t) => t.slotId === chosenSlot.id && t.take === 2)!;
  otherTake = form.takes.find((t) => t.slotId === chosenSlot.id && t.take === 1)!;
});
afterAll(async () => {
  await server?.stop();
  await musicgpt?.close();
  await new Promise((resolve) => files?.close(resolve));
  await sql.end();
});

async function previewSeconds(audioUrl: string) {
  const res = await get(audioUrl);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('audio/mpeg');
  const bytes = Buffer.from(await res.arrayBuffer());
  return { seconds: parseMp3(bytes).durationSec, bytes };
}

describe('before payment', () => {
  it('the audio endpoint plays at most 30 seconds of a take, never the whole of it', async () => {
    expect(parseMp3(fullMp3).durationSec).toBeGreaterThan(FULL_SEC - 1);
    for (const take of [chosenTake, otherTake]) {
      const { seconds, bytes } = await previewSeconds(take.audioUrl);
      expect(seconds).toBeGreaterThan(25);
      expect(seconds).toBeLessThanOrEqual(30.1);
      expect(bytes.length).toBeLessThan(fullMp3.length / 2);
    }
    // A range request is answered from the preview as well.
    const ranged = await get(chosenTake.audioUrl, { headers: { range: 'bytes=0-' } });
    expect(ranged.status).toBe(206);
    const total = Number(ranged.headers.get('content-range')!.split('/')[1]);
    expect(total).toBeLessThan(fullMp3.length / 2);
    const [row] = await sql`select audio_file, preview_file from takes where id = ${chosenTake.id}`;
    expect(row!.preview_file).toMatch(/\.preview\.mp3$/);
    expect(row!.preview_file).not.toBe(row!.audio_file);
  });

  it('downloads answer 402 and a download link, even a correctly signed one, is refused', async () => {
    const list = await owner.fetch(`/api/forms/${formId}/downloads`);
    expect(list.status).toBe(402);
    expect(((await list.json()) as { error: string }).error).toMatch(/not paid for yet/);
    const signed = links().url(chosenTake.id, 'mp3', Date.now() + DOWNLOAD_TTL_MS);
    const refused = await get(signed);
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: string }).error).toMatch(/not paid for/);
    expect(
      (await get(`/api/download/${chosenTake.id}.mp3?exp=${Date.now() + 60_000}&sig=made-up`))
        .status,
    ).toBe(403);
  });
});

describe('after payment', () => {
  let songs: {
    songIndex: number;
    takeId: string;
    title: string;
    mp3Url: string;
    wavUrl?: string;
    lyricsUrl: string;
  }[];

  beforeAll(async () => {
    const res = await owner.fetch(`/api/forms/${formId}/checkout`, { method: 'POST', body: '{}' });
    const { url } = (await res.json()) as { url: string };
    expect((await fetch(`${url}/pay`, { method: 'POST', redirect: 'manual' })).status).toBe(303);
    const list = await owner.fetch(`/api/forms/${formId}/downloads`);
    expect(list.status).toBe(200);
    songs = ((await list.json()) as { songs: typeof songs }).songs;
  });

  it('the links serve the full MP3, the WAV and the lyrics of the chosen take', async () => {
    expect(songs).toHaveLength(1);
    expect(songs[0]).toMatchObject({ songIndex: 0, takeId: chosenTake.id });
    expect(songs[0]!.title.length).toBeGreaterThan(0);

    const mp3 = await get(songs[0]!.mp3Url);
    expect(mp3.status).toBe(200);
    expect(mp3.headers.get('content-disposition')).toMatch(/^attachment; filename=".+\.mp3"/);
    const full = Buffer.from(await mp3.arrayBuffer());
    expect(full.equals(fullMp3)).toBe(true);
    expect(parseMp3(full).durationSec).toBeGreaterThan(FULL_SEC - 1);

    const wavRes = await get(songs[0]!.wavUrl!);
    expect(wavRes.status).toBe(200);
    expect(wavRes.headers.get('content-type')).toBe('audio/wav');
    expect(Buffer.from(await wavRes.arrayBuffer()).equals(fullWav)).toBe(true);

    const lyrics = await get(songs[0]!.lyricsUrl);
    expect(lyrics.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await lyrics.text();
    expect(text.startsWith(songs[0]!.title)).toBe(true);
    expect(text).toContain(chosenTake.lyrics.split('\n').find((l) => l.trim())!);

    // The audio endpoint stays a preview after payment; the full take comes only through links.
    expect((await previewSeconds(chosenTake.audioUrl)).seconds).toBeLessThanOrEqual(30.1);
  });

  it('an expired or altered link is refused', async () => {
    const expired = links().url(chosenTake.id, 'mp3', Date.now() - 1_000);
    const late = await get(expired);
    expect(late.status).toBe(403);
    expect(((await late.json()) as { error: string }).error).toMatch(/expired/);

    const valid = new URL(songs[0]!.mp3Url, server.baseUrl);
    const longer = new URL(valid);
    longer.searchParams.set('exp', String(Number(valid.searchParams.get('exp')) + 86_400_000));
    const otherKind = new URL(valid.href.replace('.mp3?', '.wav?'));
    const otherTakeLink = new URL(valid.href.replace(chosenTake.id, otherTake.id));
    const flipped = new URL(valid);
    flipped.searchParams.set(
      'sig',
      valid.searchParams.get('sig')!.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')),
    );
    for (const forged of [longer, otherKind, otherTakeLink, flipped]) {
      const res = await fetch(forged);
      expect(res.status, forged.href).toBe(403);
    }
    expect((await get(songs[0]!.mp3Url)).status).toBe(200);
  });

  it('the take not chosen stays locked, and another owner sees no downloads', async () => {
    const signed = links().url(otherTake.id, 'mp3', Date.now() + DOWNLOAD_TTL_MS);
    expect((await get(signed)).status).toBe(403);
    const stranger = await makeGuest(server.baseUrl);
    expect((await stranger.fetch(`/api/forms/${formId}/downloads`)).status).toBe(404);
  });
});
