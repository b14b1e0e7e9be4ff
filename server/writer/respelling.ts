// How a name is said, written so anyone can read it aloud: ARPAbet from the CMU Pronouncing
// Dictionary ("SH AH0 V AO1 N") becomes a respelling with hyphenated syllables and the stressed one
// in capitals ("shuh-VAWN"). The spellings follow the common English respelling keys (Wikipedia's
// "Pronunciation respelling key"); docs/writer.md has the table and the rules.

/** Vowels: how each sounds in a syllable a consonant closes, and in one that ends on the vowel. */
const VOWELS: Record<string, { closed: string; open: string }> = {
  AA: { closed: 'ah', open: 'ah' }, // father
  AE: { closed: 'a', open: 'a' }, // cat
  AH: { closed: 'u', open: 'uh' }, // cup (stressed); unstressed AH0 is always "uh"
  AO: { closed: 'aw', open: 'aw' }, // thought
  AW: { closed: 'ow', open: 'ow' }, // mouth
  AY: { closed: 'y', open: 'y' }, // price: "eye" alone, "y…e" at the end (see vowelOf)
  EH: { closed: 'e', open: 'eh' }, // dress: "meh", not "me"
  ER: { closed: 'ur', open: 'ur' }, // nurse (stressed); unstressed ER0 is "er"
  EY: { closed: 'ay', open: 'ay' }, // face
  IH: { closed: 'i', open: 'i' }, // kit
  IY: { closed: 'ee', open: 'ee' }, // fleece
  OW: { closed: 'oh', open: 'oh' }, // goat: "o…e" at the end (see vowelOf)
  OY: { closed: 'oy', open: 'oy' }, // choice
  UH: { closed: 'uu', open: 'uu' }, // foot
  UW: { closed: 'oo', open: 'oo' }, // goose
};

const CONSONANTS: Record<string, string> = {
  B: 'b',
  CH: 'ch',
  D: 'd',
  DH: 'dh',
  F: 'f',
  G: 'g',
  HH: 'h',
  JH: 'j',
  K: 'k',
  L: 'l',
  M: 'm',
  N: 'n',
  NG: 'ng',
  P: 'p',
  R: 'r',
  S: 's',
  SH: 'sh',
  T: 't',
  TH: 'th',
  V: 'v',
  W: 'w',
  Y: 'y',
  Z: 'z',
  ZH: 'zh',
};

/** Short vowels that a stressed syllable keeps closed ("MATH-yoo", not "MA-thyoo"). */
const LAX = new Set(['AE', 'EH', 'IH', 'AH', 'UH']);

// Consonant clusters English starts a syllable with; a cluster between two vowels gives the next
// syllable the longest of these it ends with (the maximal onset principle).
const ONSETS = new Set([
  ...['P', 'B', 'K', 'G', 'F'].flatMap((c) => [`${c} L`, `${c} R`]),
  ...['T', 'D', 'TH', 'SH'].map((c) => `${c} R`),
  ...['K', 'G', 'T', 'D', 'S', 'TH'].map((c) => `${c} W`),
  ...['P', 'T', 'K', 'M', 'N', 'L', 'W', 'F'].map((c) => `S ${c}`),
  ...['P', 'B', 'T', 'D', 'K', 'G', 'F', 'V', 'TH', 'S', 'Z', 'M', 'N', 'L', 'HH'].map(
    (c) => `${c} Y`,
  ),
  'S P L',
  'S P R',
  'S T R',
  'S K R',
  'S K W',
  'S P Y',
  'S K Y',
]);

const isOnset = (phones: string[]) =>
  phones.length === 0 || (phones.length === 1 ? phones[0] !== 'NG' : ONSETS.has(phones.join(' ')));

interface Syllable {
  onset: string[];
  vowel: string;
  /** 0 unstressed, 1 primary, 2 secondary: the dictionary's digit. */
  stress: number;
  coda: string[];
}

/** Cuts phones into syllables, one vowel each. */
function syllables(phones: string[]): Syllable[] {
  const out: Syllable[] = [];
  let pending: string[] = [];
  for (const phone of phones) {
    const vowel = /^([A-Z]+)([012])$/.exec(phone);
    if (!vowel) {
      pending.push(phone);
      continue;
    }
    const before = out.at(-1);
    let cut = 0;
    if (before) {
      while (!isOnset(pending.slice(cut))) cut++;
      // A stressed short vowel before an unstressed syllable keeps one consonant: "MATH-yoo".
      const keeps =
        cut === 0 &&
        pending.length > 0 &&
        before.stress > 0 &&
        LAX.has(before.vowel) &&
        vowel[2] === '0';
      if (keeps) cut = 1;
      before.coda.push(...pending.slice(0, cut));
    }
    out.push({ onset: pending.slice(cut), vowel: vowel[1]!, stress: Number(vowel[2]), coda: [] });
    pending = [];
  }
  out.at(-1)?.coda.push(...pending);
  return out;
}

function vowelOf(s: Syllable): string {
  if (s.vowel === 'AH' && s.stress === 0) return 'uh';
  if (s.vowel === 'ER' && s.stress === 0) return 'er';
  const { closed, open } = VOWELS[s.vowel] ?? { closed: '', open: '' };
  if (s.vowel === 'AY' && s.onset.length === 0 && s.coda.length === 0) return 'eye';
  return s.coda.length === 0 ? open : closed;
}

/** "y…e" and "o…e" as in "Kyle" and "bone": only where one consonant ends the word. */
const SILENT_E = new Set(['AY', 'OW']);

/**
 * A readable respelling of one word's ARPAbet: syllables joined by hyphens, the syllable with
 * primary stress in capitals ("SH IH0 V AO1 N" → "shi-VAWN"). Unknown phones spell as nothing.
 */
export function respell(arpabet: string): string {
  const all = syllables(arpabet.trim().split(/\s+/).filter(Boolean));
  return all
    .map((s, i) => {
      const isLast = i === all.length - 1;
      const spell = (phones: string[]) => phones.map((p) => CONSONANTS[p] ?? '').join('');
      let text = `${spell(s.onset)}${vowelOf(s)}${spell(s.coda)}`;
      if (isLast && s.coda.length === 1 && SILENT_E.has(s.vowel) && s.onset.length > 0) {
        text = `${spell(s.onset)}${s.vowel === 'AY' ? 'y' : 'o'}${spell(s.coda)}e`;
      }
      return s.stress === 1 ? text.toUpperCase() : text;
    })
    .join('-');
}

/** The dictionary as the package exports it: lower-case words, and `word(2)` for a variant. */
export type PronouncingDictionary = Readonly<Record<string, string>>;

// Variants beyond a handful are rare and mostly regional; a person picks from a short list.
const MAX_VARIANTS = 3;

/** Every pronunciation the dictionary lists for one word, most common first. */
function variantsOf(dictionary: PronouncingDictionary, word: string): string[] {
  const out: string[] = [];
  const first = dictionary[word];
  if (first) out.push(first);
  for (let i = 1; i <= 5; i++) {
    const more = dictionary[`${word}(${i})`];
    if (more) out.push(more);
  }
  return out;
}

/** The respellings of one word, or none when the dictionary does not know it. */
function wordRespellings(dictionary: PronouncingDictionary, word: string): string[] {
  const known = variantsOf(dictionary, word);
  if (known.length > 0) return [...new Set(known.map(respell))];
  // "Mary-Kate": each part on its own, when the whole is not listed.
  const parts = word.split('-').filter(Boolean);
  if (parts.length < 2) return [];
  const each = parts.map((part) => wordRespellings(dictionary, part));
  if (each.some((r) => r.length === 0)) return [];
  return [each.map((r) => r[0]!).join(' ')];
}

/**
 * Respellings of a name the dictionary knows, most common first (at most three); none when it
 * does not know every word of it. "Siobhan's" is looked up as "Siobhan".
 */
export function suggestRespellings(dictionary: PronouncingDictionary, name: string): string[] {
  const words = name
    .toLowerCase()
    .replace(/[‘’]/g, "'")
    .split(/[\s.,]+/)
    .map((w) => w.replace(/'s$|'$/, '').replace(/^'+/, ''))
    .filter(Boolean);
  if (words.length === 0) return [];
  const each = words.map((w) => wordRespellings(dictionary, w));
  if (each.some((r) => r.length === 0)) return [];
  // The k-th suggestion says every word its k-th way (or its last, when it has fewer).
  const longest = Math.min(MAX_VARIANTS, Math.max(...each.map((r) => r.length)));
  const out = Array.from({ length: longest }, (_, k) =>
    each.map((r) => r[Math.min(k, r.length - 1)]!).join(' '),
  );
  return [...new Set(out)];
}

let loaded: Promise<PronouncingDictionary> | undefined;

/**
 * The CMU dictionary, imported on the first suggestion asked of this process (about 20 MB of heap
 * and a few hundred ms once): a server that is never asked never pays for it.
 */
export function pronouncingDictionary(): Promise<PronouncingDictionary> {
  loaded ??= import('cmu-pronouncing-dictionary').then((m) => m.dictionary);
  return loaded;
}
