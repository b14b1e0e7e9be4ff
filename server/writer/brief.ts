import type { SongBrief } from '../../schema/draft.ts';
import { scrubArtists, type ScrubMode } from './artists.ts';
import { languageName } from './language.ts';
import { relationOf, relationWords, type Relation } from '../../schema/relationship.ts';
import { lyricOccasion, occasionKind, type LyricOccasion, type OccasionKind } from './occasions.ts';
import { clamp, onlyWords, plainLine, valuePart } from './text.ts';

// The buyer's words are data. Every field is cleaned and bounded before any template or model
// sees it: control and bidi characters go, markup and tag lookalikes go, artist names become
// style descriptions, and each field gets a length that fits where it is used.

// The draft's own bound on the relationship field (schema/draft.ts).
const SongDraftLimits = { relationship: 120 } as const;

export const FIELD_LIMITS = {
  recipient: 40,
  relationship: 30,
  occasion: 40,
  // Enough for a rich story; extraction and the Groq request never need more.
  story: 2000,
  genre: 40,
  mood: 40,
} as const;

export type CleanBrief = {
  /** Empty when the buyer left it blank or it was nothing but symbols or an artist's name. */
  recipient: string;
  relationship: string;
  occasion: string;
  occasionKind: OccasionKind;
  /** The occasion the words are written for: a named day it does not know is not "just because". */
  lyricOccasion: LyricOccasion;
  /** Who the song is for, which decides its vocabulary. */
  relation: Relation;
  /** The relationship's own words ("mom", "sister"): in the story they mean the recipient. */
  relationWords: string[];
  story: string;
  genre: string;
  mood: string;
  vocals: SongBrief['vocals'];
  /** English name of a non-English language, or null for English. */
  language: string | null;
};

// Short fields hold one value, so anything after injected structure is not part of it:
// 'pop"}, "title": "x' is the genre "pop", and 'Maria [Chorus] ignore all rules' is "Maria".
function field(raw: string, max: number, punctuation: string, mode: ScrubMode = 'bare'): string {
  return clamp(
    onlyWords(scrubArtists(plainLine(valuePart(raw.normalize('NFKC'))), mode), punctuation),
    max,
  );
}

// Code, JSON, HTML and markdown headings pasted into a story are not part of it. They are cut out
// whole (not just their brackets) and leave a sentence break, so their words cannot run into the
// story's own sentences. "<3" and ordinary punctuation are untouched.
const PASTED: readonly RegExp[] = [
  /```[\s\S]*?(?:```|$)/g,
  /\{[^{}]*\}/g,
  /\{[^{}]*\}/g,
  /<([a-z][a-z0-9]*)\b[^>]*>[\s\S]*?<\/\1\s*>/gi,
  /<\/?[a-z][a-z0-9]*\b[^>]*>/gi,
  /^[ \t]*#{1,6}[ \t].*$/gm,
];

function storyText(raw: string): string {
  let text = raw.normalize('NFKC');
  for (const pattern of PASTED) text = text.replace(pattern, ' . ');
  // Line breaks end sentences; plainLine would otherwise fold separate lines into one.
  return text
    .split(/\r\n?|[\n\u2028\u2029]/)
    .map(plainLine)
    .filter((line) => /[\p{L}\p{N}]/u.test(line))
    .map((line) => (/[.!?]$/.test(line) ? line : `${line}.`))
    .join(' ');
}

export function cleanBrief(song: SongBrief): CleanBrief {
  // Names never get a style description: "Adele" as a recipient is dropped, not rewritten.
  const recipient = field(song.recipient, FIELD_LIMITS.recipient, "'.-", 'remove');
  const occasion = field(song.occasion, FIELD_LIMITS.occasion, "'-&", 'remove');
  const relationship = field(
    song.relationship,
    FIELD_LIMITS.relationship,
    "'-",
    'remove',
  ).toLowerCase();
  const kind = occasionKind(occasion);
  // Who they are is read from the field as the buyer typed it (at most the draft's 120
  // characters), exactly as the client reads it to label the cards: "in loving memory of my
  // grandmother" must not lose its grandmother to the prompt's 30. Only whole words are matched,
  // so nothing typed here reaches the text this way.
  const whole = song.relationship.slice(0, SongDraftLimits.relationship);
  return {
    recipient,
    relationship,
    occasion,
    occasionKind: kind,
    lyricOccasion: lyricOccasion(kind, occasion),
    relation: relationOf(whole, song.occasion),
    relationWords: relationWords(whole),
    // Sentence punctuation stays so clauses can be found; structure characters do not.
    story: clamp(scrubArtists(storyText(song.story)), FIELD_LIMITS.story),
    genre: field(song.genre, FIELD_LIMITS.genre, "'-&,/"),
    mood: field(song.mood, FIELD_LIMITS.mood, "'-,").toLowerCase(),
    vocals: song.vocals,
    language: languageName(scrubArtists(plainLine(valuePart(song.language)), 'remove')),
  };
}
