import type { CleanBrief } from './brief.ts';
import { OCCASIONS } from './occasions.ts';
import type { StoryDetails } from './story.ts';
import { capitalise, clamp } from './text.ts';
import { LIMITS, type Preset } from './types.ts';

// The music prompt reads like a producer's brief: genre and feel, tempo, instruments, vocal,
// mood, what the song is for, and one concrete image from the story. It has to fit Refrain's 280
// characters (LIMITS), so parts are admitted by priority and the image is shortened before it is
// dropped.

export function musicGenre(brief: CleanBrief, preset: Preset): string {
  return brief.genre || preset.defaultGenre;
}

export function musicMood(brief: CleanBrief, preset: Preset): string {
  const words = `${brief.mood},${preset.mood}`
    .split(',')
    .map((w) => w.trim())
    .filter(Boolean);
  return [...new Set(words)].join(', ');
}

export function composeStyle(brief: CleanBrief, preset: Preset): string {
  return clamp(
    `${musicGenre(brief, preset)}, ${preset.style}, ${musicMood(brief, preset)}`,
    LIMITS.musicStyle,
  );
}

function vocalPart(brief: CleanBrief, preset: Preset): string {
  if (brief.vocals === 'none') return 'Instrumental, no lead vocal.';
  return `${capitalise(brief.vocals)} lead vocal, ${preset.delivery}.`;
}

/** The most picturable detail: a shared moment, then a habit, then an object or a place. */
export function storyImage(details: StoryDetails): string | undefined {
  return details.memory[0] ?? details.you[0] ?? details.thing[0] ?? details.place[0];
}

type Part = { text: string; priority: number; minLength?: number };

export function composePrompt(
  brief: CleanBrief,
  preset: Preset,
  details: StoryDetails,
  name: string,
): string {
  // A day the keywords do not know is named as the buyer wrote it ("Christmas song").
  const purpose =
    brief.lyricOccasion === 'other'
      ? `${brief.occasion} song`
      : OCCASIONS[brief.lyricOccasion].purpose;
  // Without a name the song already calls them "my sister"; saying "(sister)" again is noise.
  const forWhom = brief.recipient && brief.relationship ? `${name} (${brief.relationship})` : name;
  const image = storyImage(details);
  // Listed in reading order; priority decides what survives when space runs out.
  const parts: Part[] = [
    {
      text: `${capitalise(musicGenre(brief, preset))} ${preset.style}, ${preset.tempo}.`,
      priority: 0,
    },
    { text: `${capitalise(preset.instrumentation)}.`, priority: 4 },
    { text: vocalPart(brief, preset), priority: 1 },
    { text: `Mood: ${musicMood(brief, preset)}.`, priority: 6 },
    // Who it is for and why ("Mother's Day song for Mam (my mom)") decides how it should feel.
    { text: `${capitalise(purpose)} for ${forWhom}.`, priority: 3 },
    ...(image ? [{ text: `Scene: ${image}.`, priority: 5, minLength: 24 }] : []),
    ...(brief.language && brief.vocals !== 'none'
      ? [{ text: `Sung in ${brief.language}.`, priority: 2 }]
      : []),
  ];

  const budget = LIMITS.musicPrompt;
  const kept = new Map<Part, string>();
  let used = 0;
  for (const part of [...parts].sort((a, b) => a.priority - b.priority)) {
    const room = budget - used - (kept.size ? 1 : 0);
    let text = part.text;
    if (text.length > room && part.minLength && room >= part.minLength) {
      text = `${clamp(text.slice(0, -1), room - 1)}.`;
    }
    if (text.length > room) continue;
    kept.set(part, text);
    used += text.length + (kept.size > 1 ? 1 : 0);
  }
  const prompt = parts
    .filter((p) => kept.has(p))
    .map((p) => kept.get(p)!)
    .join(' ');
  return clamp(prompt, budget);
}
