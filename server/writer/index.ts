import { GroqWriter, type GroqWriterOptions } from './groq.ts';
import { LocalWriter } from './local.ts';
import type { Writer } from './types.ts';

export { writerCacheKey, FORM_FIELDS_IN_TEXT } from './cache.ts';
export { GroqWriter, GROQ_VERSION, type GroqWriterOptions } from './groq.ts';
export {
  GROQ_DEFAULT_MODEL,
  GROQ_MODELS,
  groqRequestShape,
  unsupportedGroqModel,
  type GroqRequestShape,
} from './models.ts';
export { LocalWriter, writeLocal, LOCAL_MODEL, LOCAL_VERSION } from './local.ts';
export { presetsFor, presetForSong, presetOfSlot } from './presets.ts';
export { scrubArtists, mentionsArtist, ARTISTS } from './artists.ts';
export { sungNamesOf, lyricsToSing, lyricsAsWritten, jsonAsWritten } from './sung-names.ts';
export { suggestRespellings, pronouncingDictionary, respell } from './respelling.ts';
export * from './types.ts';

export type WriterSettings = {
  groqApiKey?: string;
  groqModel?: string;
  groqBaseUrl?: string;
  groqTimeoutMs?: number;
  groqMaxRetries?: number;
};

/** Groq when a key is configured, the local template writer otherwise. */
export function createWriter(settings: WriterSettings = {}): Writer {
  if (!settings.groqApiKey) return new LocalWriter();
  const options: GroqWriterOptions = { apiKey: settings.groqApiKey };
  if (settings.groqModel) options.model = settings.groqModel;
  if (settings.groqBaseUrl) options.baseURL = settings.groqBaseUrl;
  if (settings.groqTimeoutMs !== undefined) options.timeoutMs = settings.groqTimeoutMs;
  if (settings.groqMaxRetries !== undefined) options.maxRetries = settings.groqMaxRetries;
  return new GroqWriter(options);
}
