import { performance } from 'node:perf_hooks';
import { isRomantic } from '../../schema/relationship.ts';
import { cleanBrief, type CleanBrief } from './brief.ts';
import { composeLyrics } from './lyrics.ts';
import { presetsFor } from './presets.ts';
import { RELATIONS } from './relations.ts';
import { isRomanticText } from './romance.ts';
import { finalise } from './output.ts';
import { composePrompt, composeStyle } from './prompt.ts';
import { chooser } from './seed.ts';
import { storyContext, storyDetails } from './story.ts';
import { chooseTitles } from './title.ts';
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
export const LOCAL_VERSION = '2';

/** What the song calls the recipient when the buyer gave no usable name. */
export function nameFor(brief: CleanBrief): string {
  if (brief.recipient) {
    return brief.recipient === brief.recipient.toLowerCase()
      ? titleCase(brief.recipient)
      : brief.recipient;
  }
  const relationship = brief.relationship.replace(/^(?:my|our|the)\s+/, '');
  // "my baby girl" is a daughter, but sung as a name it is love-song wording.
  const named = `my ${relationship}`;
  if (relationship && (isRomantic(brief.relation) || !isRomanticText(named))) return named;
  return RELATIONS[brief.relation.kind].fallbackName;
}

/**
 * Which card of the song this preset is, and the tones of all three: titles and openings are
 * shared out between the cards. A preset from outside the song's three is treated as card one.
 */
function cardsOf(input: WriterInput): { variationIndex: number; tones: Preset['tone'][] } {
  const presets = presetsFor(input.song);
  const at = presets.findIndex((p) => p.id === input.preset.id);
  const tones = presets.map((p) => p.tone);
  if (at < 0) return { variationIndex: 0, tones: [input.preset.tone, ...tones.slice(1)] };
  tones[at] = input.preset.tone;
  return { variationIndex: at, tones };
}

export function writeLocal(input: WriterInput): WriterOutput {
  const parsed = WriterInputSchema.parse(input);
  const { song, preset, songIndex } = parsed;
  const brief = cleanBrief(song);
  const details = storyDetails(brief.story, brief.recipient, storyContext(brief));
  const name = nameFor(brief);
  const { variationIndex, tones } = cardsOf(parsed);
  // The seeds cover everything that shapes the words, and nothing else. The song's seed is the
  // same for its three variations, so they can share out titles and openings.
  const choose = chooser(JSON.stringify([brief, preset, songIndex]));
  const songSeed = JSON.stringify([brief, songIndex]);

  const titles = chooseTitles(
    tones,
    brief.relation,
    brief.lyricOccasion,
    { name, place: details.place[0], year: details.year[0] },
    chooser(`${songSeed}:titles`),
  );
  const { title, hook } = titles[variationIndex]!;
  const lyrics = composeLyrics(
    {
      tone: preset.tone,
      relation: brief.relation,
      occasion: brief.lyricOccasion,
      hook,
      name,
      details,
      variationIndex,
    },
    choose,
    chooser(`${songSeed}:lyrics`),
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
