// What each kind of occasion contributes to the words. Pure data: adding an occasion means adding
// an entry here and three presets in presets.ts, not a new code path.

export const OCCASION_KINDS = [
  'birthday',
  'wedding',
  'anniversary',
  'graduation',
  'memorial',
  'justBecause',
] as const;
export type OccasionKind = (typeof OCCASION_KINDS)[number];

/** A title and the chorus hook sung from it; both take {Name} / {name}, {Place}, {Year}. */
export type TitlePattern = { title: string; hook: string };

export type Occasion = {
  /** Lowercase fragments that identify the occasion in free text; first match wins. */
  keywords: readonly string[];
  /** How the prompt names the song's purpose, e.g. "birthday song". */
  purpose: string;
  /** Lead lines tied to the occasion; a rhyming ending is appended to each. */
  lines: readonly string[];
  titles: readonly TitlePattern[];
};

export const OCCASIONS: Readonly<Record<OccasionKind, Occasion>> = {
  memorial: {
    keywords: [
      'memorial',
      'funeral',
      'in memory',
      'in loving memory',
      'remembrance',
      'celebration of life',
      'passed away',
      'passing',
      'tribute',
      'rest in peace',
      'en memoria',
      'in memoriam',
      'לזכר',
      'ذكرى',
    ],
    purpose: 'memorial tribute',
    lines: [
      'We gather here to say your name',
      "Though you're gone from sight",
      'The stories that you left behind',
      'We carry you in all we do',
    ],
    titles: [
      { title: 'In Loving Memory of {Name}', hook: 'We remember you, {name}' },
      { title: 'Forever Near, {Name}', hook: "You're forever near, {name}" },
    ],
  },
  birthday: {
    keywords: [
      'birthday',
      'bday',
      'b-day',
      'turning',
      'cumpleaños',
      'anniversaire',
      'geburtstag',
      'aniversário',
      'compleanno',
      'יום הולדת',
      'عيد ميلاد',
    ],
    purpose: 'birthday song',
    lines: [
      'Light the candles, make a wish',
      'Another year of being you',
      'Blow them out and count them all',
      "It's your day to shine",
    ],
    titles: [
      { title: 'Happy Birthday, {Name}', hook: 'Happy birthday, {name}' },
      { title: 'Make a Wish, {Name}', hook: 'Make a wish, {name}' },
    ],
  },
  wedding: {
    keywords: [
      'wedding',
      'marriage',
      'married',
      'first dance',
      'bride',
      'groom',
      'vows',
      'engagement',
      'boda',
      'mariage',
      'hochzeit',
      'casamento',
      'חתונה',
      'زفاف',
    ],
    purpose: 'wedding first-dance song',
    lines: [
      'Standing here in front of everyone',
      'Two hearts are becoming one',
      'I promise you my every day',
      'Our families all gathered round',
    ],
    titles: [
      { title: 'I Do, {Name}', hook: 'I do, I do, {name}' },
      { title: 'Our First Dance', hook: 'Take my hand, {name}' },
    ],
  },
  anniversary: {
    keywords: [
      'anniversary',
      'years together',
      'years married',
      'aniversario',
      'jubiläum',
      'jahrestag',
    ],
    purpose: 'anniversary love song',
    lines: [
      'All these years and still you take my breath',
      'Every year I choose you again',
      "We've grown in the same direction",
      'Look how far the two of us have come',
    ],
    titles: [
      { title: 'Still You, {Name}', hook: "It's still you, {name}" },
      { title: 'All These Years', hook: 'All these years with you, {name}' },
    ],
  },
  graduation: {
    keywords: [
      'graduat',
      'commencement',
      'diploma',
      'degree',
      'class of',
      'graduación',
      'formatura',
      'סיום',
      'تخرج',
    ],
    purpose: 'graduation song',
    lines: [
      'Toss your cap into the sky',
      'You worked so hard for this',
      'The world is waiting at the door',
      'Every late night paid off',
    ],
    titles: [
      { title: 'Cap in the Air, {Name}', hook: 'Throw your cap up, {name}' },
      { title: 'The World Is Yours, {Name}', hook: 'The world is yours, {name}' },
    ],
  },
  justBecause: {
    keywords: [],
    purpose: 'song',
    lines: [
      'No special reason, just because',
      'I wanted you to hear it said',
      "It's an ordinary day",
      "I don't need a holiday",
    ],
    titles: [
      { title: 'Just Because, {Name}', hook: 'Just because, {name}' },
      { title: 'A Song for {Name}', hook: "This one's for you, {name}" },
    ],
  },
};

// Memorial first so "birthday tribute to grandpa who passed away" reads as a memorial, and
// anniversary before wedding so "wedding anniversary" is an anniversary.
const MATCH_ORDER: readonly OccasionKind[] = [
  'memorial',
  'anniversary',
  'wedding',
  'graduation',
  'birthday',
];

export function occasionKind(raw: string): OccasionKind {
  const text = raw.toLowerCase();
  for (const kind of MATCH_ORDER) {
    if (OCCASIONS[kind].keywords.some((k) => text.includes(k))) return kind;
  }
  return 'justBecause';
}
