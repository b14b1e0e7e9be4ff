import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { SiteInfo } from '../../schema/site.ts';
import { startMusicGptServer } from '../helpers/generation.ts';
import { toneMp3 } from '../helpers/media.ts';
import type { RunningStack } from '../helpers/stack.ts';
import type { MusicGptStandIn } from '../standins/musicgpt.ts';

// Home's sample songs with MusicGPT: never the built-in engine's (they are not what a customer
// gets), only what the operator listed in DATA_DIR/samples/samples.json; a missing or broken list
// is no samples and a log line, never a failed answer.

let server: RunningStack;
let musicgpt: MusicGptStandIn;
let samplesDir: string;

beforeAll(async () => {
  ({ server, musicgpt } = await startMusicGptServer({ LOG_LEVEL: 'info' }));
  samplesDir = path.join(server.dataDir, 'samples');
});
afterAll(async () => {
  await server?.stop();
  await musicgpt?.close();
});

async function config(): Promise<SiteInfo> {
  const res = await fetch(`${server.baseUrl}/api/config`);
  expect(res.status).toBe(200);
  return (await res.json()) as SiteInfo;
}

const MANIFEST = {
  samples: [
    {
      id: 'first-dance',
      title: 'Still the One',
      occasion: 'For a first dance',
      style: 'Poetic & romantic · soul',
      file: 'first-dance.mp3',
      lyrics:
        '[Verse]\nWe met where the river bends\n[Chorus]\nStill the one I run to\nStill the one I choose',
    },
  ],
};

it('lists no samples without a manifest, and serves none of the built-in engine', async () => {
  const site = await config();
  expect(site.provider).toBe('musicgpt');
  expect(site.samples).toEqual([]);
  const builtIn = await fetch(`${server.baseUrl}/api/samples/grandmother-birthday`);
  expect(builtIn.status).toBe(404);
  expect(((await builtIn.json()) as { error: string }).error).toMatch(/no longer here/);
  expect(server.output()).toMatch(/Home lists no sample songs: with MusicGPT it plays only/);
  expect(fs.existsSync(path.join(samplesDir, 'engine'))).toBe(false);
});

it('lists and serves the samples the operator put in DATA_DIR, without a restart', async () => {
  fs.mkdirSync(samplesDir, { recursive: true });
  const mp3 = toneMp3(3);
  fs.writeFileSync(path.join(samplesDir, 'first-dance.mp3'), mp3);
  fs.writeFileSync(path.join(samplesDir, 'samples.json'), JSON.stringify(MANIFEST));

  const [sample] = (await config()).samples;
  expect(sample).toMatchObject({
    id: 'first-dance',
    title: 'Still the One',
    occasion: 'For a first dance',
    style: 'Poetic & romantic · soul',
    lyricsExcerpt: ['Still the one I run to', 'Still the one I choose'],
  });
  expect(sample!.durationSeconds).toBeCloseTo(3, 0);
  expect(sample!.audioUrl).toMatch(/^\/api\/samples\/first-dance\?v=[0-9a-f]{16}$/);

  const res = await fetch(`${server.baseUrl}${sample!.audioUrl}`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('audio/mpeg');
  expect(Buffer.from(await res.arrayBuffer()).equals(mp3)).toBe(true);
  const ranged = await fetch(`${server.baseUrl}${sample!.audioUrl}`, {
    headers: { range: 'bytes=0-99' },
  });
  expect(ranged.status).toBe(206);
  expect(Buffer.from(await ranged.arrayBuffer()).equals(mp3.subarray(0, 100))).toBe(true);
});

it('lists no samples from a broken manifest, says why in the log, and answers as ever', async () => {
  fs.writeFileSync(path.join(samplesDir, 'samples.json'), '{"samples": [{"id": "first-dance",');
  const site = await config();
  expect(site.samples).toEqual([]);
  expect(site.pricing.bySongCount).toHaveLength(5);
  expect(server.output()).toMatch(/Home lists no sample songs: .*samples\.json is not valid/);
  const gone = await fetch(`${server.baseUrl}/api/samples/first-dance`);
  expect(gone.status).toBe(404);

  // A listed file that is not an MP3 breaks the list as a whole, as the operator is told.
  fs.writeFileSync(path.join(samplesDir, 'first-dance.mp3'), '<html>oops</html>');
  fs.writeFileSync(path.join(samplesDir, 'samples.json'), JSON.stringify(MANIFEST));
  expect((await config()).samples).toEqual([]);
  expect(server.output()).toMatch(/first-dance\.mp3 is not an MP3/);
  expect((await fetch(`${server.baseUrl}/api/health`)).status).toBe(200);
});
