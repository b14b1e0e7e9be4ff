import { performance } from 'node:perf_hooks';
import { cleanBrief, type CleanBrief } from './brief.ts';
import { composeLyrics } from './lyrics.ts';
import { finalise } from './output.ts';
import { composePrompt, composeStyle } from './prompt.ts';
import { chooser } from './seed.ts';
import { storyDetails } from './story.ts';
import { chooseTitle } from './title.ts';
import { titleCase } from './text.ts';
import {
  WriterInputSchema,
  type Preset,
  type Writer,
  type WriterInput,
  type WriterOutput,
  type WriterResult,
} from './types.ts';

// Template writer: no network, no model, same input same song. It is the default writer and the
// fallback for every Groq failure, so it must never fail on any well-typed brief.

export const LOCAL_MODEL = 'templates';
// Bump on any change to templates, presets or data tables: cache keys include it.
export const LOCAL_VERSION = '1';

/** What the song calls the recipient when the buyer gave no usable name. */
export function nameFor(brief: CleanBrief, preset: Preset): string {
  if (brief.recipient) {
    return brief.recipient === brief.recipient.toLowerCase()
      ? titleCase(brief.recipient)
      : brief.recipient;
  }
  if (brief.relationship) return `my ${brief.relationship}`;
  return preset.tone === 'romantic' ? 'my love' : 'my friend';
}

export function writeLocal(input: WriterInput): WriterOutput {
  const { song, preset, songIndex } = WriterInputSchema.parse(input);
  const brief = cleanBrief(song);
  const details = storyDetails(brief.story, brief.recipient);
  const name = nameFor(brief, preset);
  // The seed covers everything that shapes the words, and nothing else.
  const choose = chooser(JSON.stringify([brief, preset, songIndex]));

  const { title, hook } = chooseTitle(
    preset.tone,
    brief.occasionKind,
    { name, place: details.place[0], year: details.year[0] },
    choose,
  );
  const lyrics = composeLyrics(
    { tone: preset.tone, occasion: brief.occasionKind, hook, name, details },
    choose,
  );
  const result = finalise(
    {
      title,
      musicPrompt: composePrompt(brief, preset, details, name),
      musicStyle: composeStyle(brief, preset),
      lyrics,
    },
    { language: brief.vocals === 'none' ? null : brief.language },
  );
  // Templates are ours; a refusal here is a bug in the data, not a bad brief.
  if (!result.ok) throw new Error(`local writer produced an invalid song: ${result.reason}`);
  return result.output;
}

export class LocalWriter implements Writer {
  readonly name = 'local' as const;
  readonly model = LOCAL_MODEL;
  readonly version = LOCAL_VERSION;
  readonly summary = { name: 'local' } as const;

  async write(input: WriterInput): Promise<WriterResult> {
    const started = performance.now();
    const output = writeLocal(input);
    return { output, writer: 'local', ms: performance.now() - started };
  }
}
