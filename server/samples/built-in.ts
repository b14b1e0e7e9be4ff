import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import type { SampleSong } from '../../schema/site.ts';
import type { AudioStorage } from '../audio/storage.ts';
import { engineFingerprint } from '../engine/fingerprint.ts';
import type { RenderedTake, SongSpec } from '../engine/index.ts';
import { Refusal } from '../errors.ts';
import { logger } from '../log.ts';
import { PREVIEW_SEC } from '../media/mp3/preview.ts';
import { presetsFor, writeLocal } from '../writer/index.ts';
import { SAMPLE_BRIEFS, type SampleBrief } from './briefs.ts';
import { lyricsExcerpt } from './excerpt.ts';
import type { RenderTake, SampleSongs } from './types.ts';

const log = logger('samples');

// Samples take their turns in the engine's queue as one owner of their own (owners are UUIDs, so
// this is nobody's): a customer's song waits behind at most the one sample rendering.
const SAMPLE_OWNER = 'sample songs';

interface Prepared {
  song: Omit<SampleSong, 'audioUrl'>;
  spec: SongSpec;
  /** Changes with anything that would change the rendered file: the request or the engine. */
  key: string;
}

/**
 * The built-in engine's samples: each fixed brief written by the built-in writer and rendered by
 * the engine exactly as a customer's first variation is, on first request. Only the preview is
 * kept (30 s, what a customer hears before paying), in `storage` as `<id>-<key>.mp3`: a new engine
 * or writer gives a new key, so the next request renders again and the older file is removed.
 */
export function builtInSamples(storage: AudioStorage, renderTake: RenderTake): SampleSongs {
  let prepared: Promise<Prepared[]> | undefined;
  const samples = () => {
    if (!prepared) {
      prepared = Promise.all(SAMPLE_BRIEFS.map(prepare));
      prepared.catch(() => (prepared = undefined));
    }
    return prepared;
  };
  // Renders by sample id: a request for a sample being rendered waits on the same render.
  const rendering = new Map<string, Promise<string>>();
  // One sample renders at a time, each after the one before: a burst of first visitors must not
  // fill the engine's queue with samples.
  let line: Promise<unknown> = Promise.resolve();

  const render = async (sample: Prepared, file: string): Promise<string> => {
    const started = performance.now();
    let take: RenderedTake;
    try {
      take = await renderTake(sample.spec, SAMPLE_OWNER);
    } catch (err) {
      log.error('a sample song could not be rendered', {
        id: sample.song.id,
        error: String((err as Error)?.stack ?? err),
      });
      throw new Refusal(
        'internal',
        'This sample could not be made just now. Try again in a minute.',
      );
    }
    await storage.write(file, take.previewMp3);
    await removeOlder(storage, sample.song.id, file);
    log.info('rendered a sample song', {
      id: sample.song.id,
      file,
      ms: Math.round(performance.now() - started),
    });
    return file;
  };

  return {
    async list() {
      return (await samples()).map(({ song, key }) => ({
        ...song,
        audioUrl: `/api/samples/${song.id}?v=${key}`,
      }));
    },
    async audioFile(id) {
      const sample = (await samples()).find((s) => s.song.id === id);
      if (!sample) return undefined;
      const file = `${sample.song.id}-${sample.key}.mp3`;
      if (await exists(storage.resolve(file))) return storage.resolve(file);
      let pending = rendering.get(id);
      if (!pending) {
        pending = line.then(() => render(sample, file)).finally(() => rendering.delete(id));
        line = pending.catch(() => undefined);
        rendering.set(id, pending);
      }
      return storage.resolve(await pending);
    },
  };
}

/** A brief written into a song request, as generation writes a slot's first variation. */
async function prepare({ id, occasion, brief }: SampleBrief): Promise<Prepared> {
  const preset = presetsFor(brief)[0]!;
  const text = writeLocal({ song: brief, form: { songCount: 1 }, preset, songIndex: 0 });
  const spec: SongSpec = {
    seed: `sample:${id}`,
    take: 1,
    title: text.title,
    musicPrompt: text.musicPrompt,
    musicStyle: text.musicStyle,
    mood: brief.mood || preset.mood,
    occasion: brief.occasion,
    preset: preset.variation,
    lyrics: text.lyrics,
    vocals: brief.vocals,
  };
  const key = createHash('sha256')
    .update(await engineFingerprint())
    .update(JSON.stringify(spec))
    .digest('hex')
    .slice(0, 16);
  return {
    song: {
      id,
      title: text.title,
      occasion,
      style: `${preset.label} · ${brief.genre}`,
      lyricsExcerpt: lyricsExcerpt(text.lyrics),
      durationSeconds: PREVIEW_SEC,
    },
    spec,
    key,
  };
}

/** Removes the files an older engine rendered of this sample. */
async function removeOlder(storage: AudioStorage, id: string, current: string): Promise<void> {
  const rendered = new RegExp(`^${id}-[0-9a-f]{16}\\.mp3$`);
  for (const name of await fs.readdir(storage.dir)) {
    if (name !== current && rendered.test(name)) {
      await fs.rm(storage.resolve(name), { force: true });
    }
  }
}

const exists = (file: string) =>
  fs.access(file).then(
    () => true,
    () => false,
  );
