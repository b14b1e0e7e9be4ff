// Which kind of occasion a song is for, read from the buyer's free text. Shared because the
// client titles each variation card from the same reading the server writes with (presets.ts).

export const OCCASION_KINDS = [
  'birthday',
  'wedding',
  'anniversary',
  'graduation',
  'memorial',
  'mothersDay',
  'fathersDay',
  'retirement',
  'justBecause',
] as const;
export type OccasionKind = (typeof OCCASION_KINDS)[number];

/** Lowercase fragments that identify each occasion in free text, a few of them not English. */
export const OCCASION_KEYWORDS: Readonly<Record<OccasionKind, readonly string[]>> = {
  memorial: [
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
  mothersDay: [
    "mother's day",
    'mothers day',
    'mother’s day',
    "mom's day",
    'día de la madre',
    'muttertag',
    'fête des mères',
    'dia das mães',
  ],
  fathersDay: [
    "father's day",
    'fathers day',
    'father’s day',
    "dad's day",
    'día del padre',
    'vatertag',
    'fête des pères',
    'dia dos pais',
  ],
  retirement: [
    'retirement',
    'retiring',
    'retires',
    'jubilación',
    'ruhestand',
    'retraite',
    'aposentadoria',
  ],
  birthday: [
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
  wedding: [
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
  anniversary: [
    'anniversary',
    'years together',
    'years married',
    'aniversario',
    'jubiläum',
    'jahrestag',
  ],
  graduation: [
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
  justBecause: [],
};

// Memorial first so "birthday tribute to grandpa who passed away" reads as a memorial; the named
// days before birthday and anniversary, which they often mention; anniversary before wedding so
// "wedding anniversary" is an anniversary.
const MATCH_ORDER: readonly OccasionKind[] = [
  'memorial',
  'mothersDay',
  'fathersDay',
  'retirement',
  'anniversary',
  'wedding',
  'graduation',
  'birthday',
];

/** The occasion's kind; anything unrecognised is "just because". */
export function occasionKind(raw: string): OccasionKind {
  const text = raw.toLowerCase();
  for (const kind of MATCH_ORDER) {
    if (OCCASION_KEYWORDS[kind].some((k) => text.includes(k))) return kind;
  }
  return 'justBecause';
}
