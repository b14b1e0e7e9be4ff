import nlp from 'compromise';
import {
  agree,
  clean,
  isVerb,
  makesRecipient,
  type ParsedStory,
  type Recipient,
  type Term,
} from './grammar.ts';
import { META } from './text.ts';

// The buyer writes the story about the recipient ("She taught me to ride a bike in 1998 and we
// laughed when I fell"); the song sings to them ("you taught me to ride a bike", "we laughed when I
// fell"). compromise tags each word (pronoun, verb and its tense, possessive) and conjugates the
// verbs, so the turning works on grammar rather than on word lists. A clause that cannot be made
// into a whole sung line is left out: a missing detail is better than a mangled one.

export type Clause = {
  text: string;
  /** Past clauses suit "I still remember how …"; present ones "I love the way …". */
  tense: 'past' | 'present';
  /** Who does the clause: the recipient ("you …") or the buyer ("I …", "we …"). */
  about: 'you' | 'us';
};

const MIN_WORDS = 3;
const MAX_WORDS = 10;

// Words that may stand before a relation word in a subject: "my little sister", "our dear Nana".
const SUBJECT_FILLERS = new Set(
  'my our the dear little big old sweet beloved late baby wonderful amazing lovely own'.split(' '),
);
const BUYER = new Set(['i', 'we']);
const THIRD = new Set(['she', 'he', 'they']);
// The recipient's pronouns when the subject is the recipient, and what the song sings instead.
const TO_SECOND: ReadonlyMap<string, string> = new Map([
  ['him', 'you'],
  ['his', 'your'],
  ['hers', 'yours'],
  ['herself', 'yourself'],
  ['himself', 'yourself'],
  ['them', 'you'],
  ['their', 'your'],
  ['theirs', 'yours'],
  ['themselves', 'yourselves'],
]);
// Words a sung line should not end on.
const WEAK_END = new Set(
  (
    'a an the and or but of to in at on with for our my your his her their from by that was were ' +
    'is are be been so as than like into onto very really just every each some all this last next ' +
    'whole when while because if then i we'
  ).split(' '),
);
const NOT_OWNED = [
  'Determiner',
  'Pronoun',
  'Preposition',
  'Adverb',
  'Conjunction',
  'Date',
  'Value',
  'QuestionWord',
];
const CUT_TAGS = ['Preposition', 'Conjunction', 'QuestionWord'];
const BREAK_WORDS = new Set(['and', 'but', 'so', 'then', 'because', 'although', 'though', 'yet']);
// Clause starts that make no line on their own ("you know", "you guys").
const EMPTY_STARTS = new Set(['know', 'see', 'guys', 'all', 'both', 'two']);

/** How many leading terms name the recipient ("my little sister", "Grandma", "Sofia"), or 0. */
function recipientSubject(terms: Term[], recipient: Recipient): number {
  let i = 0;
  let named = false;
  while (i < terms.length && i < 5) {
    const w = terms[i]!.normal;
    if (makesRecipient(terms[i]!, recipient) && !w.endsWith("'s")) named = true;
    else if (!SUBJECT_FILLERS.has(w)) break;
    i++;
  }
  return named ? i : 0;
}

// A clause ends at a comma or semicolon, or at "and/but/so …" where a new subject starts.
function splitClauses(terms: Term[], recipient: Recipient): Term[][] {
  const out: Term[][] = [];
  let current: Term[] = [];
  const startsSubject = (i: number) => {
    const t = terms[i];
    if (!t) return false;
    return (
      BUYER.has(t.normal) ||
      THIRD.has(t.normal) ||
      t.normal === 'you' ||
      recipientSubject(terms.slice(i), recipient) > 0
    );
  };
  terms.forEach((t, i) => {
    // "Mom and I went" is one subject, not two clauses: a break needs a verb before it.
    if (BREAK_WORDS.has(t.normal) && current.some(isVerb) && startsSubject(i + 1)) {
      out.push(current);
      current = [];
      return;
    }
    current.push(t);
    if (/[,;:]/.test(t.post)) {
      out.push(current);
      current = [];
    }
  });
  if (current.length) out.push(current);
  return out;
}

type Subject = {
  words: string[];
  length: number;
  about: 'you' | 'us';
  third: boolean;
  /** "Her laugh", "Maria's smile": the verb agrees with the noun that follows, not with "you". */
  owned?: boolean;
};

function subjectOf(terms: Term[], recipient: Recipient): Subject | null {
  const first = terms[0]?.normal;
  if (!first) return null;
  // "Mom and I", "me and Dad": sung as "you and I".
  const pair = /^(?:(.+) and (?:i|me)|(?:i|me) and (.+))$/;
  for (let n = 3; n <= 5; n++) {
    const head = terms.slice(0, n);
    const m = pair.exec(head.map((t) => t.normal).join(' '));
    if (!m) continue;
    const other = m[1] !== undefined ? head.slice(0, n - 2) : head.slice(2);
    const isThem =
      (other.length === 1 && (other[0]!.normal === 'she' || other[0]!.normal === 'he')) ||
      recipientSubject(other, recipient) === other.length;
    if (isThem) return { words: ['you', 'and', 'I'], length: n, about: 'us', third: false };
  }
  if (BUYER.has(first)) return { words: [clean(terms[0]!)], length: 1, about: 'us', third: false };
  const possessive =
    ((first === 'her' || first === 'his') && terms[0]!.tags.has('Possessive')) ||
    (first.endsWith("'s") && makesRecipient(terms[0]!, recipient));
  if (possessive && terms[1] && !terms[1].tags.has('Pronoun') && !isVerb(terms[1]))
    return { words: ['your'], length: 1, about: 'you', third: false, owned: true };
  if (first === 'you') return { words: ['you'], length: 1, about: 'you', third: false };
  if (first === 'she' || first === 'he')
    return { words: ['you'], length: 1, about: 'you', third: true };
  if (first === 'they' && recipient.isPlural)
    return { words: ['you'], length: 1, about: 'you', third: false };
  const n = recipientSubject(terms, recipient);
  // "Our daughter Sofia and her friends" is not the recipient alone.
  if (n && terms[n]?.normal !== 'and')
    return { words: ['you'], length: n, about: 'you', third: true };
  return null;
}

type Turned = { words: string[]; tags: (ReadonlySet<string> | undefined)[]; verb: Term };

/** The words of a clause sung to the recipient, or null when it cannot be made grammatical. */
function turn(terms: Term[], recipient: Recipient, subjectWasThey: boolean): Turned | null {
  const subject = subjectOf(terms, recipient);
  if (!subject) return null;
  const rest = terms.slice(subject.length);
  let v = 0;
  // "your famous laugh is…": the owned noun phrase comes before its verb.
  if (subject.owned)
    while (v < rest.length && v < 4 && !isVerb(rest[v]!) && !rest[v]!.tags.has('Pronoun')) v++;
  while (v < rest.length && rest[v]!.tags.has('Adverb') && !isVerb(rest[v]!)) v++;
  // A subject with no verb after it ("we proud of you") is not a clause we can sing.
  if (!rest[v] || !isVerb(rest[v]!)) return null;
  if (EMPTY_STARTS.has(rest[v]!.normal) && subject.about === 'you') return null;

  // Each word keeps its tags, so the clause can be cut at a phrase boundary without a reparse.
  const out: string[] = [];
  const tags: (ReadonlySet<string> | undefined)[] = [];
  const emit = (word: string, from?: Term) => {
    out.push(word);
    tags.push(from?.tags);
  };
  const drop = () => {
    out.pop();
    tags.pop();
  };
  subject.words.forEach((w) => emit(w));
  const they = subjectWasThey || (recipient.isPlural && terms[0]?.normal === 'they');
  for (let i = 0; i < rest.length; i++) {
    const t = rest[i]!;
    const w = clean(t);
    const lower = w.toLowerCase();
    if (!w) continue;
    if (i === v && subject.third) {
      emit(agree(t), t);
      continue;
    }
    if (lower === 'she' || lower === 'he') {
      // A second mention inside the clause ("we laughed when she fell"): its verb agrees too.
      const next = rest[i + 1];
      emit('you', t);
      if (next && isVerb(next)) {
        emit(agree(next), next);
        i++;
      }
      continue;
    }
    if (lower === 'her') {
      // compromise tags "her" possessive before "every day" or "so much" too: what follows must
      // be able to start a noun phrase ("her garden roses", "her famous cake").
      const next = rest[i + 1];
      const owns = t.tags.has('Possessive') && next && !NOT_OWNED.some((tag) => next.tags.has(tag));
      emit(owns ? 'your' : 'you', t);
      continue;
    }
    if (
      TO_SECOND.has(lower) &&
      (!['them', 'their', 'theirs', 'themselves'].includes(lower) || they)
    ) {
      emit(TO_SECOND.get(lower)!, t);
      continue;
    }
    if (lower === 'they' && they) {
      emit('you', t);
      continue;
    }
    // "my mom" or "Maria" later in the clause is the recipient too.
    if (makesRecipient(t, recipient)) {
      while (out.length > 1 && SUBJECT_FILLERS.has(out[out.length - 1]!.toLowerCase())) drop();
      emit(t.normal.endsWith("'s") ? 'your' : 'you', t);
      continue;
    }
    emit(w, t);
  }
  return { words: out, tags, verb: rest[v]! };
}

// Words that may open a clause before its subject: "In 1998 she…", "Every Sunday he…".
const SETTING_TAGS = ['Preposition', 'Date', 'Value', 'Determiner', 'Noun', 'Adjective'];
const MAX_SETTING = 4;

/**
 * A clause that opens on when or where ("Every Sunday she calls me") is sung with the setting
 * moved after the verb phrase ("you call me every Sunday"), so the line still starts on its subject.
 */
function turnWithSetting(
  terms: Term[],
  recipient: Recipient,
  subjectWasThey: boolean,
): Turned | null {
  const direct = turn(terms, recipient, subjectWasThey);
  if (direct) return direct;
  const opensOnSetting =
    terms[0] &&
    (terms[0].tags.has('Preposition') ||
      terms[0].tags.has('Date') ||
      terms[0].tags.has('Determiner'));
  if (!opensOnSetting) return null;
  for (let n = 1; n <= MAX_SETTING && n < terms.length; n++) {
    const t = terms[n - 1]!;
    if (!SETTING_TAGS.some((tag) => t.tags.has(tag)) || t.tags.has('Pronoun') || isVerb(t))
      return null;
    const turned = turn(terms.slice(n), recipient, subjectWasThey);
    if (!turned) continue;
    const setting = terms.slice(0, n);
    return {
      // Only the sentence's opening capital goes; "Sunday" and "Lisbon" keep theirs.
      words: [
        ...turned.words,
        ...setting.map((s, i) =>
          i === 0 && !s.tags.has('ProperNoun') && !s.tags.has('Date')
            ? clean(s).toLowerCase()
            : clean(s),
        ),
      ],
      tags: [...turned.tags, ...setting.map((s) => s.tags)],
      verb: turned.verb,
    };
  }
  return null;
}

// Long clauses are cut before a preposition or conjunction so the line still ends on a word that
// finishes a phrase; one that cannot be cut that way is dropped rather than chopped mid-phrase.
function fitLength(
  words: string[],
  tags: readonly (ReadonlySet<string> | undefined)[],
): string[] | null {
  let out = words;
  if (out.length > MAX_WORDS) {
    let cut = -1;
    for (let i = MAX_WORDS; i >= MIN_WORDS; i--) {
      const t = tags[i];
      if (t && CUT_TAGS.some((tag) => t.has(tag))) {
        cut = i;
        break;
      }
    }
    if (cut < 0) return null;
    out = out.slice(0, cut);
  }
  while (out.length && WEAK_END.has(out[out.length - 1]!.toLowerCase())) out = out.slice(0, -1);
  return out.length >= MIN_WORDS ? out : null;
}

const THIRD_LEFT = /\b(?:she|he|her|him|his|hers|herself|himself)\b/i;

/**
 * The story's clauses about the recipient and the buyer, turned to be sung to the recipient.
 * A memorial sings what the recipient did in the past tense.
 */
export function storyClauses(
  parsed: ParsedStory,
  recipient: Recipient,
  isMemorial: boolean,
): Clause[] {
  const { sentences } = parsed;
  const clauses: Clause[] = [];
  const seen = new Set<string>();
  for (const terms of sentences) {
    if (!terms || META.test(terms.map((t) => t.text).join(' '))) continue;
    let subjectWasThey = false;
    for (const part of splitClauses(terms, recipient)) {
      if (part[0]?.normal === 'they' && recipient.isPlural) subjectWasThey = true;
      const turned = turnWithSetting(part, recipient, subjectWasThey);
      if (!turned) continue;
      const fitted = fitLength(turned.words, turned.tags);
      if (!fitted) continue;
      // The line supplies the capital; only "I" keeps one mid-line.
      if (fitted[0] !== 'I') fitted[0] = fitted[0]!.toLowerCase();
      let text = fitted.join(' ').replace(/- /g, '-');
      // "you taught", "you would always call" and "you used to" are past; "you have been
      // knitting" is not, and a memorial puts it in the past below.
      const verb = turned.verb;
      let tense: Clause['tense'] =
        (verb.tags.has('PastTense') && !verb.tags.has('Auxiliary')) ||
        verb.normal === 'would' ||
        verb.normal === 'used'
          ? 'past'
          : 'present';
      const about = fitted[0]!.toLowerCase() === 'you' && fitted[1] !== 'and' ? 'you' : 'us';
      if (isMemorial && (about === 'you' || fitted[0] === 'your') && tense === 'present') {
        const past = nlp(text);
        past.verbs().toPastTense();
        // compromise leaves a present perfect as it is; a late grandmother "was always knitting".
        text = past.text().replace(/^you have been (\w+ing)\b/, 'you were always $1');
        tense = 'past';
      }
      if (THIRD_LEFT.test(text) || META.test(text) || text.length > 70) continue;
      const key = text.toLowerCase();
      if (seen.has(key)) continue;
      seen.add(key);
      clauses.push({ text, tense, about });
    }
  }
  return clauses;
}
