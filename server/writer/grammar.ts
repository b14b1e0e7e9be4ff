import nlp from 'compromise';

// The story's words as compromise tags them, and what the writer asks of them: which words name
// the recipient, how a verb agrees with "you", and whether a sung line still speaks of the
// recipient in the third person. clauses.ts turns the story with these; fit.ts checks drafts.

/** One word as compromise tagged it. */
export type Term = { text: string; post: string; normal: string; tags: ReadonlySet<string> };

// Third-person verb forms compromise would turn into "be" or "have" rather than the
// second-person form a line needs.
const AGREE: ReadonlyMap<string, string> = new Map([
  ['is', 'are'],
  ['was', 'were'],
  ['has', 'have'],
  ['does', 'do'],
]);

/** What in the story refers to the recipient: their name's words and the relation words. */
export type Recipient = {
  names: readonly string[];
  relationWords: readonly string[];
  /** "my parents", "the team": only then is "they" the recipient rather than someone else. */
  isPlural: boolean;
};

const words = (s: string) =>
  s
    .toLowerCase()
    .split(/\s+/)
    .map((w) => w.replace(/[^\p{L}\p{N}'-]/gu, ''))
    .filter(Boolean);

/** A verb, modal or auxiliary: what must follow a subject for a clause to be whole. */
export const isVerb = (t: Term) =>
  t.tags.has('Verb') || t.tags.has('Modal') || t.tags.has('Auxiliary');
// compromise splits "off-key" into two terms; the hyphen stays on the first one's word.
export const clean = (t: Term) =>
  t.text.replace(/^[("'“‘]+|[)"'”’.,;:!?]+$/g, '') + (/^-$/.test(t.post) ? '-' : '');

// Conjugating one verb costs compromise a parse; stories repeat their verbs, and so do the
// three variations of a song.
const infinitives = new Map<string, string>();

/** The second-person form of a third-person verb: "bakes" → "bake", "is" → "are", "taught" stays. */
export function agree(verb: Term): string {
  const lower = clean(verb).toLowerCase();
  const known = AGREE.get(lower);
  if (known) return known;
  if (!verb.tags.has('PresentTense') || verb.tags.has('Infinitive') || verb.tags.has('Gerund'))
    return lower;
  let base = infinitives.get(lower);
  if (base === undefined) {
    base = nlp(lower).verbs().toInfinitive().text();
    if (infinitives.size > 2000) infinitives.clear();
    infinitives.set(lower, base);
  }
  return base && !base.includes(' ') ? base : lower;
}

/** Whether the word names the recipient: their name, a relation word, or either with "'s". */
export function makesRecipient(term: Term, recipient: Recipient): boolean {
  const w = term.normal.replace(/'s$/, '');
  return recipient.names.includes(w) || recipient.relationWords.includes(w);
}

/** The story tagged once, sentence by sentence, contractions expanded ("we're" → "we are"). */
export type ParsedStory = {
  sentences: Term[][];
  /** A word's tags where the story used it, for the heuristics outside this module. */
  tagsOf: ReadonlyMap<string, ReadonlySet<string>>;
};

/** Tags the story; one parse serves every use, since compromise is the slow part of a song. */
export function parseStory(story: string): ParsedStory {
  const doc = nlp(story);
  doc.contractions().expand();
  const sentences: Term[][] = [];
  const tagsOf = new Map<string, ReadonlySet<string>>();
  for (const t of doc.termList()) {
    if (!t.text) continue;
    const term = {
      text: t.text,
      post: t.post,
      normal: t.normal,
      tags: t.tags ?? new Set<string>(),
    };
    (sentences[t.index?.[0] ?? 0] ??= []).push(term);
    if (!tagsOf.has(term.normal)) tagsOf.set(term.normal, term.tags);
  }
  return { sentences: sentences.filter(Boolean), tagsOf };
}

/** What in a story names the recipient, from their name and the relationship's words. */
export function recipientOf(name: string, relationWords: readonly string[]): Recipient {
  const relation = relationWords.map((w) => w.toLowerCase());
  return {
    // "Dr. Who" is not every "who" in a song: titles and function words do not name anyone.
    names: words(name).filter((w) => w.length > 1 && !NOT_A_NAME.has(w)),
    relationWords: relation,
    isPlural: relation.some((w) => PLURAL.has(w)),
  };
}

const NOT_A_NAME = new Set(
  'dr mr mrs ms miss mx sir dame prof the and of who will may can did are our my your'.split(' '),
);

const PLURAL = new Set(
  'parents grandparents kids children grandkids grandchildren siblings friends colleagues coworkers team teammates staff crew squad girls boys'.split(
    ' ',
  ),
);

const SUBJECT_PRONOUNS = new Set(['she', 'he']);

/**
 * Whether a sung line talks about the recipient instead of to them: "she bakes", "my mom always
 * sings", "Maria taught me" (but not "Maria, you taught me"). For checking a model's lyrics.
 */
export function singsAboutRecipient(line: string, recipient: Recipient): boolean {
  const terms = parseStory(line).sentences.flat();
  for (let i = 0; i < terms.length; i++) {
    const t = terms[i]!;
    let subjectEnd = -1;
    if (SUBJECT_PRONOUNS.has(t.normal)) subjectEnd = i;
    else if (makesRecipient(t, recipient) && !/,/.test(t.post) && !t.normal.endsWith("'s"))
      subjectEnd = i;
    if (subjectEnd < 0) continue;
    let v = subjectEnd + 1;
    while (terms[v] && terms[v]!.tags.has('Adverb') && !isVerb(terms[v]!)) v++;
    const verb = terms[v];
    // "…for her" or "Maria" at the end of a line is not a subject; a verb must follow.
    if (verb && isVerb(verb) && !verb.tags.has('Infinitive') && !verb.tags.has('Gerund'))
      return true;
  }
  return false;
}
