import path from 'node:path';
import { AudioStorage } from '../audio/storage.ts';
import type { Config } from '../config.ts';
import { logger } from '../log.ts';
import { builtInSamples } from './built-in.ts';
import { providedSamples } from './provided.ts';
import type { RenderTake, SampleSongs } from './types.ts';

export type { RenderTake, SampleSongs } from './types.ts';

const log = logger('samples');

/**
 * Samples of what the configured provider makes, and nothing else: the built-in engine renders
 * its own (`renderTake`); with MusicGPT they are only the ones the operator put in
 * `$DATA_DIR/samples/` (docs/configuration.md). Both live under `$DATA_DIR/samples/`.
 */
export function sampleSongs(
  config: Pick<Config, 'provider' | 'dataDir' | 'maxAudioBytes'>,
  renderTake?: RenderTake,
): SampleSongs {
  const dir = path.join(config.dataDir, 'samples');
  const samples =
    config.provider === 'musicgpt'
      ? providedSamples(dir, config.maxAudioBytes)
      : renderTake
        ? builtInSamples(
            new AudioStorage(path.join(dir, 'engine'), config.maxAudioBytes),
            renderTake,
          )
        : undefined;
  if (!samples) return { list: async () => [], audioFile: async () => undefined };
  return {
    // Home and the form read the same answer: a sample that cannot be listed costs the list,
    // never the prices or the form.
    list: () =>
      samples.list().catch((err) => {
        log.error('the sample songs could not be listed', {
          error: String((err as Error)?.stack ?? err),
        });
        return [];
      }),
    audioFile: (id) => samples.audioFile(id),
  };
}
