import fs from 'node:fs/promises';
import path from 'node:path';
import { logger } from '../log.ts';
import type { SampleSongs } from './types.ts';
import { MANIFEST_FILE, readManifest, type ProvidedSample } from './manifest.ts';

const log = logger('samples');

/**
 * Samples the operator put in `dir` (manifest.ts). The manifest is read again whenever it changes,
 * so samples can be added without a restart, and each outcome is logged once, not per request.
 */
export function providedSamples(dir: string, maxBytes: number): SampleSongs {
  const manifest = path.join(dir, MANIFEST_FILE);
  let kept: { stamp: string; samples: Promise<ProvidedSample[]> } | undefined;

  const current = async (): Promise<ProvidedSample[]> => {
    const stamp = await fs.stat(manifest).then(
      (s) => `${s.mtimeMs} ${s.size}`,
      () => 'absent',
    );
    if (kept?.stamp !== stamp) kept = { stamp, samples: load() };
    return kept.samples;
  };

  const load = async (): Promise<ProvidedSample[]> => {
    const read = await readManifest(dir, maxBytes);
    if (read.kind === 'absent') {
      log.info(
        `Home lists no sample songs: with MusicGPT it plays only samples listed in ${manifest} (docs/configuration.md)`,
      );
      return [];
    }
    if (read.kind === 'invalid') {
      log.warn(`Home lists no sample songs: ${manifest} is not valid`, { why: read.why });
      return [];
    }
    log.info('sample songs listed', { manifest, ids: read.samples.map((s) => s.id) });
    return read.samples;
  };

  return {
    async list() {
      return (await current()).map((s) => ({
        id: s.id,
        title: s.title,
        occasion: s.occasion,
        style: s.style,
        lyricsExcerpt: s.lyricsExcerpt,
        audioUrl: `/api/samples/${s.id}?v=${s.version}`,
        durationSeconds: s.durationSeconds,
      }));
    },
    async audioFile(id) {
      return (await current()).find((s) => s.id === id)?.file;
    },
  };
}
