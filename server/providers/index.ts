import { createHash } from 'node:crypto';
import type { AudioStorage } from '../audio/storage.ts';
import type { Config } from '../config.ts';
import {
  ENGINE_ACCOUNT,
  localProvider,
  type LocalCompletion,
  type LocalEstimate,
  type LocalProvider,
} from './local.ts';
import { musicGptProvider } from './musicgpt/client.ts';
import type { MusicProvider } from './types.ts';

/** The part of the configuration that picks and sizes the music provider. */
type MusicConfig = Pick<Config, 'provider' | 'musicgpt' | 'providerMaxTasks' | 'engineConcurrency'>;

export type Provider = MusicProvider & {
  close?: () => Promise<void>;
  /** Only a provider that renders in this process (the built-in engine) can render on demand. */
  renderTake?: LocalProvider['renderTake'];
};

export interface ProviderHooks {
  /** Records the takes an in-process provider (the built-in engine) finished. */
  onComplete: LocalCompletion;
  /** Records a moved estimate of when an in-process provider's slot is ready. */
  onEstimate?: LocalEstimate;
}

/**
 * Which provider account a slot belongs to. A task id means something only to the account that
 * made it, so a slot is re-sent and polled only by processes configured with the same account
 * (the key is hashed: it never reaches the database).
 */
export function providerIdentity(config: MusicConfig): string {
  if (config.provider !== 'musicgpt') return ENGINE_ACCOUNT;
  // Hashed over the base as it was written before V2 (ending in /v1), so slots sent before the
  // upgrade stay this account's: they are still polled and re-sent by the upgraded processes.
  const account = createHash('sha256')
    .update(`${config.musicgpt.apiUrl}/v1\n${config.musicgpt.apiKey}`)
    .digest('hex');
  return `musicgpt:${account.slice(0, 12)}`;
}

/** The configured music provider: MusicGPT with a key, the built-in engine otherwise. */
export function createProvider(
  config: MusicConfig,
  storage: AudioStorage,
  hooks: ProviderHooks,
): Provider {
  if (config.provider === 'musicgpt') {
    const { apiKey, apiUrl, model, plan } = config.musicgpt;
    return musicGptProvider({
      apiKey: apiKey!,
      apiUrl,
      model,
      plan,
      maxTasks: config.providerMaxTasks,
    });
  }
  return localProvider({
    storage,
    concurrency: config.engineConcurrency,
    onComplete: hooks.onComplete,
    onEstimate: hooks.onEstimate,
  });
}
