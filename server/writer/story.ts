import type { DetailKind } from './lines.ts';
import { storyClauses } from './clauses.ts';
import { parseStory, recipientOf } from './grammar.ts';
import { META, onlyWords } from './text.ts';

// Concrete details pulled from the buyer's story: clauses turned to be sung to the recipient
// (clauses.ts), and with plain heuristics capitalised names and places, possessive objects ("her
// lemon cake"), years and spans of time. Songs that name real things sound written for one person; that is the product.

export type StoryDetails = Record<DetailKind, string[]>;

const MAX_PER_KIND = 4;

// Capitalised words that are not names: sentence starters, pronouns, months and days.
const NOT_NAMES = new Set(
  (
    'i im ive id ill we she he they it the a an our my your his her their this that these those ' +
    'when then and but so or if after before since because every each one two three there here ' +
    'what where who why how yes no oh also just still even now today tonight yesterday ' +
    'january february march april may june july august september october november december ' +
    'monday tuesday wednesday thursday friday saturday sunday christmas easter thanksgiving ' +
    'happy dear love thank thanks please hi hello god ok okay'
  ).split(' '),
);

const PLACE_PREPOSITIONS = new Set(
  'in at to from near visited visit visiting across around through into toward towards'.split(' '),
);

// Words that end a clause or make a poor last word for a sung phrase.
const WEAK_TAIL = new Set(
  (
    'a an the and or but of to in at on with for our my your his her their from by that was ' +
    'were is are be been so as than like into onto very really just every each some all this last ' +
    'next whole'
  ).split(' '),
);

const DULL_THINGS = new Set(
  (
    'wife husband partner life time way birthday wedding anniversary heart love friend friends ' +
    'family kids children son daughter mom dad mum mother father relationship marriage own best ' +
    'favorite favourite whole day days year years name names lives parents boyfriend girlfriend'
  ).split(' '),
);

// A Map, not an object literal, so story words like "constructor" never hit a prototype key.
const THIRD_PERSON: ReadonlyMap<string, string> = new Map([
  ['is', 'are'],
  ['was', 'were'],
  ['has', 'have'],
  ['does', 'do'],
  ['goes', 'go'],
]);

function push(list: string[], value: string): void {
  const v = value.trim();
  if (!v || v.length > 60 || META.test(v)) return;
  if (list.length >= MAX_PER_KIND) return;
  if (list.some((x) => x.toLowerCase() === v.toLowerCase())) return;
  list.push(v);
}

function sentencesOf(story: string): string[] {
  return story
    .split(/[.!?;:\n]+|\s[–—-]\s/)
    .map((s) => s.trim())
    .filter(Boolean);
}

const tidy = (w: string) => w.replace(/^[("'“”‘]+|[)"'“”’,]+$/g, '');
const isCapitalised = (w: string) => /^\p{Lu}/u.test(w) && /\p{L}{2,}/u.test(w);
const CONNECTORS = new Set(['of', 'de', 'del', 'la', 'van', 'von', 'da', 'le']);

function properNouns(
  sentence: string,
  details: StoryDetails,
  skip: Set<string>,
  seenLater: Set<string>,
) {
  const tokens = sentence.split(/\s+/);
  let i = 0;
  while (i < tokens.length) {
    const word = tidy(tokens[i]!);
    if (!isCapitalised(word) || NOT_NAMES.has(word.toLowerCase().replace(/'/g, ''))) {
      i++;
      continue;
    }
    const start = i;
    const run = [word];
    let j = i + 1;
    while (j < tokens.length && run.length < 4 && !/,$/.test(tokens[j - 1]!)) {
      const next = tidy(tokens[j]!);
      const after = tokens[j + 1] ? tidy(tokens[j + 1]!) : '';
      if (isCapitalised(next) && !NOT_NAMES.has(next.toLowerCase())) run.push(next);
      else if (CONNECTORS.has(next) && isCapitalised(after)) run.push(next);
      else break;
      j++;
    }
    i = j;
    const phrase = onlyWords(run.join(' '));
    if (!phrase || skip.has(phrase.toLowerCase())) continue;
    // Shouting ("PWNED", "URGENT") and repetition are not names; short acronyms ("NYC") are.
    if (run.some((w) => /^[\p{Lu}\p{N}'-]{4,}$/u.test(w)) || new Set(run).size < run.length)
      continue;
    // A lone capitalised first word is usually just a sentence start, unless it recurs mid-sentence.
    if (start === 0 && run.length === 1 && !seenLater.has(phrase.toLowerCase())) continue;
    const before = start > 0 ? tidy(tokens[start - 1]!).toLowerCase() : '';
    push(PLACE_PREPOSITIONS.has(before) ? details.place : details.person, phrase);
  }
}

function midSentenceCaps(sentences: string[]): Set<string> {
  const seen = new Set<string>();
  for (const s of sentences) {
    s.split(/\s+/)
      .slice(1)
      .map(tidy)
      .filter(isCapitalised)
      .forEach((w) => seen.add(onlyWords(w).toLowerCase()));
  }
  return seen;
}

/** Who the story is about, beyond their name: the relation words and whether they have died. */
export type StoryContext = { relationWords: readonly string[]; isMemorial: boolean };

/** The story context of a cleaned brief. */
export function storyContext(brief: {
  relationWords: readonly string[];
  relation: { isMemorial: boolean };
  occasionKind: string;
}): StoryContext {
  return {
    relationWords: brief.relationWords,
    isMemorial: brief.relation.isMemorial || brief.occasionKind === 'memorial',
  };
}

// A song's three variations (and a Groq fallback) read the same story; parsing it is most of the
// cost of writing one, so recent results are kept. Callers only read them.
const recent = new Map<string, StoryDetails>();
const RECENT_MAX = 64;

export function storyDetails(
  story: string,
  recipient: string,
  context: StoryContext = { relationWords: [], isMemorial: false },
): StoryDetails {
  const key = JSON.stringify([story, recipient, context.relationWords, context.isMemorial]);
  const known = recent.get(key);
  if (known) return known;
  const details = extractDetails(story, recipient, context);
  if (recent.size >= RECENT_MAX) recent.delete(recent.keys().next().value!);
  recent.set(key, details);
  return details;
}

function extractDetails(story: string, recipient: string, context: StoryContext): StoryDetails {
  const details: StoryDetails = {
    memory: [],
    you: [],
    now: [],
    place: [],
    person: [],
    thing: [],
    year: [],
    span: [],
  };
  const sentences = sentencesOf(story);
  const firstName = recipient.split(' ')[0] ?? '';
  // "Grandma" or "Mam" is the recipient, not another person to sing about.
  const skip = new Set(
    [recipient.toLowerCase(), firstName.toLowerCase(), ...context.relationWords].filter(Boolean),
  );
  const seenLater = midSentenceCaps(sentences);
  const things = new Set<string>();

  const parsed = parseStory(story);
  const who = recipientOf(recipient, context.relationWords);
  for (const clause of storyClauses(parsed, who, context.isMemorial)) {
    const kind = clause.tense === 'past' ? 'memory' : clause.about === 'you' ? 'you' : 'now';
    push(details[kind], clause.text);
  }

  for (const sentence of sentences) {
    // A sentence about prompts or instructions is aimed at a machine, not about the recipient.
    if (META.test(sentence)) continue;
    properNouns(sentence, details, skip, seenLater);

    // compromise's tags stop an object at its verb or adverb: "my mom always sings" has none.
    const tags = parsed.tagsOf;
    for (const m of sentence.matchAll(
      /(?<![\p{L}])([Oo]ur|[Yy]our|[Hh]is|[Hh]er|[Mm]y|[Tt]heir)\s+(\p{Ll}[\p{L}'-]*(?:\s+\p{Ll}[\p{L}'-]*){0,3}(?:\s+\p{Lu}[\p{L}'-]*)?)/gu,
    )) {
      const owner = m[1]!.toLowerCase();
      const words: string[] = [];
      for (const w of m[2]!.split(/\s+/)) {
        // Stop at the verb: "our old car broke down" keeps "our old car".
        const tag = tags.get(w.toLowerCase());
        const isVerbal = tag && (tag.has('Verb') || tag.has('Adverb')) && !tag.has('Noun');
        if (WEAK_TAIL.has(w) || THIRD_PERSON.has(w) || /^.{3,}ed$/.test(w) || isVerbal) break;
        words.push(w);
      }
      const head = words[words.length - 1];
      if (!head || DULL_THINGS.has(head) || words.some((w) => skip.has(w.toLowerCase()))) continue;
      // "our old blue Vespa": a capitalised last word names a thing, unless it follows a
      // relation ("our daughter Sofia"), in which case it names a person.
      const before = words[words.length - 2];
      if (/^\p{Lu}/u.test(head) && !(before && DULL_THINGS.has(before)))
        things.add(head.toLowerCase());
      const possessive = owner === 'our' || owner === 'my' ? owner : 'your';
      push(details.thing, `${possessive} ${words.slice(0, 3).join(' ')}`);
    }
  }

  details.person = details.person.filter((p) => !things.has(p.toLowerCase()));
  for (const m of story.matchAll(/(?<!\d)(19[3-9]\d|20[0-4]\d)(?!\d)/g)) push(details.year, m[1]!);
  for (const m of story.matchAll(
    /(?<![\p{L}\p{N}])(\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty)\s+(years?|months?|weeks?|decades?)(?![\p{L}])/giu,
  )) {
    push(details.span, `${m[1]!.toLowerCase()} ${m[2]!.toLowerCase()}`);
  }
  // Multi-word objects first: "your famous lemon cake" beats "your cake".
  details.thing.sort((a, b) => b.split(' ').length - a.split(' ').length);
  return details;
}
