import type { AudioStorage } from '../audio/storage.ts';
import type { Config } from '../config.ts';
import { localProvider } from './local/index.ts';
import { musicGptProvider } from './musicgpt.ts';
import type { MusicProvider } from './types.ts';

export type Provider = MusicProvider & {
  onComplete?: ((slotId: string, takes: import('./types.ts').TakeResult[], taskId: string) => Promise<void>) | undefined;
  close?: () => Promise<void>;
};

/** The configured music provider: MusicGPT with a key, the built-in engine otherwise. */
export function createProvider(config: Config, storage: AudioStorage): Provider {
  if (config.provider === 'musicgpt') {
    return musicGptProvider({ apiKey: config.musicgpt.apiKey!, apiUrl: config.musicgpt.apiUrl });
  }
  return localProvider({ storage, concurrency: config.engineConcurrency });
}
