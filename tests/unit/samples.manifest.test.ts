import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lyricsExcerpt } from '../../server/samples/excerpt.ts';
import { MAX_SAMPLES, MANIFEST_FILE, readManifest } from '../../server/samples/manifest.ts';
import { toneMp3 } from '../helpers/media.ts';

// The samples an operator on MusicGPT lists in DATA_DIR/samples/samples.json: read whole or not
// at all, and every way it can be wrong is said in one line the operator can act on.

const MAX_BYTES = 10 * 1024 * 1024;
let dir: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'refrain-samples-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const writeManifest = (body: unknown) =>
  fs.writeFileSync(
    path.join(dir, MANIFEST_FILE),
    typeof body === 'string' ? body : JSON.stringify(body),
  );

const entry = (over: Record<string, unknown> = {}) => ({
  id: 'first-dance',
  title: 'Still the One',
  occasion: 'For a first dance',
  style: 'Poetic & romantic · soul',
  file: 'first-dance.mp3',
  ...over,
});

const LYRICS = `[Verse 1]
We met where the river bends
[Chorus]
Still the one I run to
Still the one I choose
Every day brand new
[Verse 2]
More lines here`;

describe('a samples manifest', () => {
  it('is absent when there is no file: no samples, and nothing wrong', async () => {
    expect(await readManifest(dir, MAX_BYTES)).toEqual({ kind: 'absent' });
  });

  it('lists each sample with its MP3, its length, a version of its bytes and a lyric excerpt', async () => {
    fs.writeFileSync(path.join(dir, 'first-dance.mp3'), toneMp3(3));
    fs.writeFileSync(path.join(dir, 'memorial.mp3'), toneMp3(2));
    writeManifest({
      samples: [
        entry({ lyrics: LYRICS }),
        entry({ id: 'memorial', title: 'Lake Light', file: 'memorial.mp3' }),
      ],
    });
    const read = await readManifest(dir, MAX_BYTES);
    if (read.kind !== 'read') throw new Error(JSON.stringify(read));
    const [first, second] = read.samples;
    expect(first).toMatchObject({
      id: 'first-dance',
      title: 'Still the One',
      occasion: 'For a first dance',
      style: 'Poetic & romantic · soul',
      file: path.join(dir, 'first-dance.mp3'),
      lyricsExcerpt: ['Still the one I run to', 'Still the one I choose'],
    });
    expect(first!.durationSeconds).toBeCloseTo(3, 0);
    expect(second!.lyricsExcerpt).toEqual([]);
    expect(second!.durationSeconds).toBeCloseTo(2, 0);
    expect(first!.version).toMatch(/^[0-9a-f]{16}$/);
    expect(second!.version).not.toBe(first!.version);

    // Another file under the same name is another version: browsers fetch it afresh.
    fs.writeFileSync(path.join(dir, 'first-dance.mp3'), toneMp3(4));
    const again = await readManifest(dir, MAX_BYTES);
    if (again.kind !== 'read') throw new Error(JSON.stringify(again));
    expect(again.samples[0]!.version).not.toBe(first!.version);
  });

  it.each([
    ['not JSON', '{"samples": [', /not JSON/],
    ['not the shape', { songs: [] }, /samples/],
    ['an id with capitals', { samples: [entry({ id: 'First' })] }, /lowercase letters/],
    ['a path that leaves the folder', { samples: [entry({ file: '../x.mp3' })] }, /no path/],
    ['a file in a subfolder', { samples: [entry({ file: 'a/x.mp3' })] }, /no path/],
    ['no title', { samples: [entry({ title: '' })] }, /title/],
    ['two samples with one id', { samples: [entry(), entry()] }, /share an id/],
    [
      'more samples than Home shows',
      { samples: Array.from({ length: MAX_SAMPLES + 1 }, (_, i) => entry({ id: `s${i}` })) },
      /samples/,
    ],
  ])('is invalid as a whole with %s, saying why', async (_, body, why) => {
    fs.writeFileSync(path.join(dir, 'first-dance.mp3'), toneMp3(1));
    writeManifest(body);
    const read = await readManifest(dir, MAX_BYTES);
    expect(read.kind).toBe('invalid');
    expect(read.kind === 'invalid' && read.why).toMatch(why);
  });

  it('is invalid when a listed file is missing, too big or not an MP3, naming the file', async () => {
    writeManifest({ samples: [entry()] });
    expect(await readManifest(dir, MAX_BYTES)).toEqual({
      kind: 'invalid',
      why: 'first-dance.mp3 is not in the samples folder',
    });

    fs.writeFileSync(path.join(dir, 'first-dance.mp3'), '<html>not found</html>'.repeat(100));
    expect(await readManifest(dir, MAX_BYTES)).toEqual({
      kind: 'invalid',
      why: 'first-dance.mp3 is not an MP3',
    });

    fs.writeFileSync(path.join(dir, 'first-dance.mp3'), toneMp3(2));
    const read = await readManifest(dir, 1024);
    expect(read.kind === 'invalid' && read.why).toMatch(/first-dance\.mp3 is larger than/);
  });
});

describe('the lyric lines on a sample card', () => {
  it('are the start of the first chorus, without tags', () => {
    expect(lyricsExcerpt(LYRICS)).toEqual(['Still the one I run to', 'Still the one I choose']);
  });

  it('are the first sung lines when there is no chorus, and never a paragraph', () => {
    expect(lyricsExcerpt('[Verse]\n\nOne line\nTwo line\nThree line')).toEqual([
      'One line',
      'Two line',
    ]);
    expect(lyricsExcerpt('just words, no tags')).toEqual(['just words, no tags']);
    expect(lyricsExcerpt('')).toEqual([]);
    const [long] = lyricsExcerpt(`[Chorus]\n${'la '.repeat(100)}`);
    expect(long!.length).toBeLessThanOrEqual(120);
    expect(long).toMatch(/…$/);
  });
});
