import { occasionKind } from './occasion.ts';

// Who a song is for decides its words: a sister must never be sung "I fell for you". The buyer
// types the relationship freely ("my wife", "our daughter Sofia", "grandma", "my dog Rex"); this
// reads it into a kind. Shared because the client shows the variation labels chosen from it.

export const RELATION_KINDS = [
  'partner',
  'child',
  'parent',
  'grandparent',
  'sibling',
  'friend',
  'colleague',
  'pet',
  // Family or not, but nothing above: an aunt, a cousin, a godparent, or nothing said at all.
  'someone',
] as const;
export type RelationKind = (typeof RELATION_KINDS)[number];

/** The relationship as the writer uses it. A memorial can be for any kind of person (or pet). */
export type Relation = { kind: RelationKind; isMemorial: boolean };

// Whole words (or phrases) that identify each kind, tried in this order: "grandmother" must not
// read as "mother", "my dog's vet" is a pet song before it is anything else, "best friend" and
// "girlfriend" differ by kind.
const KIND_WORDS: readonly (readonly [RelationKind, readonly string[]])[] = [
  [
    'pet',
    'dog|doggo|doggy|puppy|pup|cat|kitty|kitten|pet|horse|pony|bunny|rabbit|hamster|parrot|budgie|guinea pig|tortoise|turtle|ferret'.split(
      '|',
    ),
  ],
  [
    'grandparent',
    'grandma|grandmother|granny|grannie|nana|nan|gran|grandpa|grandfather|grandad|granddad|granddaddy|gramps|grandparents|grandparent|abuela|abuelo|abuelita|abuelito|oma|opa|nonna|nonno|bubbe|zayde|mémé|pépé|avó|avô|lola|lolo'.split(
      '|',
    ),
  ],
  [
    'child',
    'son|daughter|child|children|kid|kids|stepson|stepdaughter|grandson|granddaughter|grandchild|grandchildren|grandkids|niece|nephew|toddler|newborn|baby girl|baby boy|little one|godson|goddaughter|hijo|hija|filho|filha'.split(
      '|',
    ),
  ],
  [
    'parent',
    'mom|mum|mam|mother|mama|mamma|mommy|mummy|mammy|ma|dad|father|papa|daddy|pa|pops|stepmom|stepmum|stepmother|stepdad|stepfather|parents|mother-in-law|father-in-law|madre|padre|mamá|papá|mãe|pai|maman|mutter|vater'.split(
      '|',
    ),
  ],
  [
    'sibling',
    'sister|brother|sis|bro|sibling|siblings|twin|stepsister|stepbrother|half-sister|half-brother|sister-in-law|brother-in-law|hermana|hermano|irmã|irmão'.split(
      '|',
    ),
  ],
  [
    'partner',
    'wife|husband|partner|girlfriend|boyfriend|fiance|fiancé|fiancee|fiancée|spouse|lover|hubby|wifey|bride|groom|sweetheart|other half|better half|soulmate|soul mate|significant other|my love|love of my life|esposa|esposo|novia|novio|mujer|marido'.split(
      '|',
    ),
  ],
  [
    'colleague',
    'colleague|colleagues|coworker|co-worker|coworkers|boss|manager|team|teammate|teammates|employee|staff|mentor|teacher|coach|professor|client|supervisor'.split(
      '|',
    ),
  ],
  [
    'friend',
    'friend|friends|bestie|bff|buddy|pal|mate|roommate|flatmate|neighbour|neighbor|bestfriend|amigo|amiga|girls|boys|squad|crew'.split(
      '|',
    ),
  ],
];

const MEMORIAL_WORDS =
  /\b(?:in (?:loving )?memory|memorial|funeral|late|passed|passed away|remembering|remembrance|rip|in memoriam|celebration of life)\b/i;

const wordsPattern = (words: readonly string[]) =>
  new RegExp(
    `(?<![\\p{L}])(?:${words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})(?![\\p{L}])`,
    'iu',
  );

const KIND_PATTERNS = KIND_WORDS.map(([kind, words]) => [kind, wordsPattern(words)] as const);
const WORD_PATTERNS = KIND_WORDS.flatMap(([, words]) =>
  words.map((w) => [w, wordsPattern([w])] as const),
);

// Names for one person that a story may use whatever the relationship field said: the buyer
// types "my grandfather" and writes "Grandpa taught me to fish".
const SAME_PERSON: readonly (readonly string[])[] = [
  'mom|mum|mam|mother|mama|mamma|mommy|mummy|mammy|ma|madre|mamá|mãe|maman|mutter'.split('|'),
  'dad|father|papa|daddy|pa|pops|padre|papá|pai|vater'.split('|'),
  'grandma|grandmother|granny|grannie|nana|nan|gran|abuela|abuelita|oma|nonna|bubbe|mémé|avó|lola'.split(
    '|',
  ),
  'grandpa|grandfather|grandad|granddad|granddaddy|gramps|abuelo|abuelito|opa|nonno|zayde|pépé|avô|lolo'.split(
    '|',
  ),
  'sister|sis|hermana|irmã'.split('|'),
  'brother|bro|hermano|irmão'.split('|'),
  'wife|wifey|esposa|mujer'.split('|'),
  'husband|hubby|esposo|marido'.split('|'),
];

/**
 * The words that name the recipient in a story: the relation words of the relationship field,
 * with their everyday synonyms ("grandfather" brings "grandpa", "mom" brings "mum").
 */
export function relationWords(relationship: string): string[] {
  const found = new Set<string>();
  for (const [w, pattern] of WORD_PATTERNS) {
    if (!pattern.test(relationship)) continue;
    found.add(w);
    for (const group of SAME_PERSON) if (group.includes(w)) group.forEach((g) => found.add(g));
  }
  return [...found];
}

/**
 * The kind of person the song is for, from the free-text relationship, with the occasion only
 * deciding two things: whether it is a memorial, and that an unnamed wedding or anniversary is
 * sung to a partner.
 */
export function relationOf(relationship: string, occasion = ''): Relation {
  const occasionKindFound = occasionKind(occasion);
  const isMemorial = occasionKindFound === 'memorial' || MEMORIAL_WORDS.test(relationship);
  const text = relationship.replace(MEMORIAL_WORDS, ' ');
  for (const [kind, pattern] of KIND_PATTERNS) {
    if (pattern.test(text)) return { kind, isMemorial };
  }
  // Nobody named on a wedding or anniversary: the buyer is singing to the one they married.
  const kind =
    occasionKindFound === 'wedding' || occasionKindFound === 'anniversary' ? 'partner' : 'someone';
  return { kind, isMemorial };
}

/**
 * Whether love-song words belong in this song: only for a partner. A widow's song for her late
 * husband may still say "in your arms"; it is never offered the "Poetic & romantic" variation.
 */
export function isRomantic(relation: Relation): boolean {
  return relation.kind === 'partner';
}
