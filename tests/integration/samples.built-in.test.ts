import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { SampleSong, SiteInfo } from '../../schema/site.ts';
import { useMp3Decoder } from '../helpers/decode.ts';
import { toneMp3 } from '../helpers/media.ts';
import { startApiServer } from '../helpers/api-server.ts';
import type { RunningStack } from '../helpers/stack.ts';

// Home's sample songs with the built-in engine: rendered by the server itself from fixed briefs,
// on the first request for each, once, however many ask at the same moment.

let server: RunningStack;
const decode = useMp3Decoder();

beforeAll(async () => {
  // Every render says so in the log, at info: that line is how renders are counted here.
  server = await startApiServer({ MUSIC_PROVIDER: 'local', LOG_LEVEL: 'info' });
});
afterAll(async () => {
  await server?.stop();
});

const renders = (id: string) =>
  server
    .output()
    .split('\n')
    .filter((line) => line.includes('rendered a sample song'))
    .filter((line) => line.includes(`"id":"${id}"`)).length;

async function listed(): Promise<SampleSong[]> {
  const res = await fetch(`${server.baseUrl}/api/config`);
  expect(res.status).toBe(200);
  return ((await res.json()) as SiteInfo).samples;
}

it('lists the built-in samples with their words, before any is rendered', async () => {
  const samples = await listed();
  expect(samples.map((s) => s.id)).toEqual([
    'grandmother-birthday',
    'tenth-anniversary',
    'father-memorial',
  ]);
  for (const sample of samples) {
    expect(sample.title.length).toBeGreaterThan(0);
    expect(sample.occasion).toMatch(/^(For|In memory)/);
    expect(sample.style).toMatch(/ · /);
    expect(sample.lyricsExcerpt).toHaveLength(2);
    expect(sample.audioUrl).toMatch(new RegExp(`^/api/samples/${sample.id}\\?v=[0-9a-f]{16}$`));
    expect(sample.durationSeconds).toBe(30);
  }
  // The words on the card are the written song's own: the recipient's name is in the chorus.
  expect(samples[0]!.lyricsExcerpt.join(' ')).toMatch(/Rosa/);
  expect(renders('grandmother-birthday')).toBe(0);
});

it('renders a sample once for two first requests at the same moment, and serves it as a preview is served', async () => {
  const [sample] = await listed();
  const engineDir = path.join(server.dataDir, 'samples', 'engine');
  // What an older engine rendered of this sample: never served, and gone once the new one is.
  const older = path.join(engineDir, `${sample!.id}-0000000000000000.mp3`);
  fs.writeFileSync(older, toneMp3(1));

  const url = `${server.baseUrl}${sample!.audioUrl}`;
  const answers = await Promise.all([fetch(url), fetch(url)]);
  const bodies = await Promise.all(answers.map(async (r) => Buffer.from(await r.arrayBuffer())));
  for (const res of answers) {
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('audio/mpeg');
    expect(res.headers.get('accept-ranges')).toBe('bytes');
    expect(res.headers.get('cache-control')).toBe('public, max-age=86400');
  }
  expect(bodies[0]!.equals(bodies[1]!)).toBe(true);
  expect(renders(sample!.id)).toBe(1);
  expect(fs.existsSync(older)).toBe(false);

  // A real 30-second stereo preview with music in it, not silence.
  const [left, right] = await decode(bodies[0]!);
  expect(right).toBeDefined();
  expect(left!.length / 44_100).toBeGreaterThan(29);
  expect(left!.length / 44_100).toBeLessThan(31);
  const rms = Math.sqrt(left!.reduce((sum, v) => sum + v * v, 0) / left!.length);
  expect(rms).toBeGreaterThan(0.02);

  // Kept: the next request is served from the same file, rendered by nobody.
  const [kept] = fs.readdirSync(engineDir).filter((f) => f.startsWith(`${sample!.id}-`));
  const inode = fs.statSync(path.join(engineDir, kept!)).ino;
  const again = await fetch(url);
  expect(Buffer.from(await again.arrayBuffer()).equals(bodies[0]!)).toBe(true);
  expect(renders(sample!.id)).toBe(1);
  expect(fs.statSync(path.join(engineDir, kept!)).ino).toBe(inode);

  // Ranges, as players ask for them.
  const ranged = await fetch(url, { headers: { range: 'bytes=100-1099' } });
  expect(ranged.status).toBe(206);
  expect(ranged.headers.get('content-range')).toBe(`bytes 100-1099/${bodies[0]!.length}`);
  expect(Buffer.from(await ranged.arrayBuffer()).equals(bodies[0]!.subarray(100, 1100))).toBe(true);
  const tail = await fetch(url, { headers: { range: 'bytes=-500' } });
  expect(tail.status).toBe(206);
  expect((await tail.arrayBuffer()).byteLength).toBe(500);
}, 420_000);

it('answers an id that is not a sample with words, rendering nothing', async () => {
  const res = await fetch(`${server.baseUrl}/api/samples/no-such-sample`);
  expect(res.status).toBe(404);
  const body = (await res.json()) as { error: string; requestId: string };
  expect(body.error).toBe(
    'This sample song is no longer here. Reload the page to hear the ones there are now.',
  );
  expect(body.requestId).toBeTruthy();
  expect(renders('no-such-sample')).toBe(0);
});
