import { isRomantic } from '../../schema/relationship.ts';
import type { CleanBrief } from './brief.ts';
import { recipientOf, singsAboutRecipient } from './grammar.ts';
import { romanticPhrase } from './romance.ts';
import type { WriterOutput } from './types.ts';

// Whether a drafted song fits the person it is for, by the rules both writers follow: love-song
// words only for a partner, the recipient named, and the story sung to "you" rather than pasted
// in the third person. The built-in writer is built to pass; a Groq draft that fails falls back.
// Reasons name the rule and the model's words, never the buyer's brief.

const STORY_WINDOW = 5;
const THIRD = /\b(?:she|he|her|him|his)\b/i;

const plain = (s: string) =>
  s
    .toLowerCase()
    .replace(/[’']/g, "'")
    .replace(/[^\p{L}\p{N}'\s]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();

// Five words in a row of a story sentence that speaks of the recipient in the third person,
// found in the lyrics: the story was pasted, not turned.
function pastesStory(lyrics: string, story: string): boolean {
  const sung = ` ${plain(lyrics)} `;
  for (const sentence of story.split(/[.!?;\n]+/)) {
    if (!THIRD.test(sentence)) continue;
    const words = plain(sentence).split(' ');
    for (let i = 0; i + STORY_WINDOW <= words.length; i++) {
      const window = words.slice(i, i + STORY_WINDOW);
      if (!window.some((w) => THIRD.test(w))) continue;
      if (sung.includes(` ${window.join(' ')} `)) return true;
    }
  }
  return false;
}

/** Why the song does not fit its brief, or null when it does. */
export function misfit(output: WriterOutput, brief: CleanBrief): string | null {
  if (!isRomantic(brief.relation)) {
    const phrase = romanticPhrase(`${output.title}\n${output.lyrics}`);
    if (phrase) return `love-song wording ("${phrase}") in a song for a ${brief.relation.kind}`;
  }
  const name = plain(brief.recipient).split(' ')[0];
  if (name && !` ${plain(output.lyrics)}`.includes(` ${name}`))
    return 'the lyrics never name the recipient';
  const lines = output.lyrics.split('\n').filter((l) => l && !l.startsWith('['));
  const who = recipientOf(brief.recipient, brief.relationWords);
  if (lines.some((l) => singsAboutRecipient(l, who)))
    return 'the lyrics speak of the recipient in the third person';
  if (pastesStory(output.lyrics, brief.story)) return 'the lyrics paste the story untransformed';
  return null;
}
