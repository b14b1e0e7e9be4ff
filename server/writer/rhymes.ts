import { lastWord } from './text.ts';

// Rhyme groups: the words that rhyme, and ready-made line endings that finish on one of them.
// A lyric line is "<lead>, <ending>", so a line rhymes because its ending does; leads carry the
// story, endings carry the sound. Endings must read naturally after a comma.

export type RhymeGroup = { words: readonly string[]; endings: readonly string[] };

export const RHYMES: Readonly<Record<string, RhymeGroup>> = {
  ight: {
    words: ['light', 'night', 'bright', 'right', 'tight', 'sight', 'flight', 'tonight', 'kite'],
    endings: [
      'in the golden light',
      'dancing through the night',
      'shining ever bright',
      'everything feels right',
      'holding on so tight',
      'never out of sight',
      'and our hearts take flight',
      'flying like a kite',
      "we'll be fine tonight",
    ],
  },
  ay: {
    words: ['day', 'way', 'stay', 'say', 'away', 'play', 'gray', 'yesterday', 'may'],
    endings: [
      'every single day',
      'come what may',
      'lighting up the way',
      'here is where I stay',
      'more than words can say',
      'never fade away',
      'let the music play',
      'even when the skies are gray',
      'better than yesterday',
    ],
  },
  art: {
    words: ['heart', 'start', 'apart', 'art', 'part', 'chart'],
    endings: [
      'right from the very start',
      'written on my heart',
      'never torn apart',
      'like a work of art',
      "you're my favorite part",
      'way up off the chart',
    ],
  },
  ue: {
    words: ['you', 'true', 'blue', 'new', 'through', 'dew', 'knew'],
    endings: [
      'all because of you',
      'every dream come true',
      'under skies of blue',
      'like the morning dew',
      "I'll see it through",
      'something old and new',
      'the best thing I ever knew',
    ],
  },
  ine: {
    words: ['mine', 'shine', 'sign', 'align', 'wine', 'fine', 'line', 'divine'],
    endings: [
      "forever you're mine",
      'watch the way you shine',
      'every little sign',
      'the stars will all align',
      'your hand in mine',
      'sweet as summer wine',
      'and everything is fine',
    ],
  },
  ee: {
    words: ['me', 'free', 'sea', 'be', 'see', 'harmony', 'melody', 'tree'],
    endings: [
      'you and me',
      "the way it's meant to be",
      'running wild and free',
      'deeper than the sea',
      'the only place to be',
      'in perfect harmony',
      'humming our melody',
    ],
  },
  ong: {
    words: ['song', 'along', 'belong', 'strong', 'long', 'wrong'],
    endings: [
      'right where we belong',
      'singing our song',
      'I knew it all along',
      'keep on holding strong',
      'when the days were long',
      'nothing could go wrong',
    ],
  },
  ever: {
    words: ['forever', 'ever', 'together', 'never', 'whenever', 'clever'],
    endings: [
      'now and forever',
      'better together',
      'closer than ever',
      'tonight and forever',
      'anytime, whenever',
      "and I'll leave you never",
    ],
  },
  one: {
    words: ['alone', 'known', 'grown', 'own', 'stone', 'shown'],
    endings: [
      'you will never be alone',
      "the sweetest love I've known",
      "look how much we've grown",
      'a love that is all our own',
      'carved in solid stone',
      "the light that you've shown",
    ],
  },
  ile: {
    words: ['smile', 'while', 'mile', 'style', 'aisle', 'worthwhile'],
    endings: [
      'the magic in your smile',
      'stay a little while',
      'every single mile',
      'in your own sweet style',
      'walking down the aisle',
      "it's all been worthwhile",
    ],
  },
  ace: {
    words: ['face', 'place', 'grace', 'embrace', 'space', 'race', 'chase'],
    endings: [
      'the sunshine on your face',
      'our favorite place',
      'moving with such grace',
      'lost in your embrace',
      'no one takes your place',
      'it was never just a race',
    ],
  },
  ound: {
    words: ['sound', 'around', 'found', 'ground', 'round'],
    endings: [
      'the sweetest sound',
      'spin the world around',
      'the best thing that I found',
      'feet up off the ground',
      "with you I'm safe and sound",
      'love is all around',
    ],
  },
  ear: {
    words: ['here', 'year', 'near', 'clear', 'dear', 'cheer', 'sincere'],
    endings: [
      'another golden year',
      "I'm glad that you're here",
      'always holding near',
      'the sky is crystal clear',
      'raise a glass and cheer',
      'every single year',
      'my dear',
    ],
  },
  ide: {
    words: ['side', 'ride', 'pride', 'guide', 'wide', 'tide', 'inside'],
    endings: [
      'right here by your side',
      'what a lovely ride',
      'my heart is full of pride',
      'a light to be my guide',
      'with arms open wide',
      'turning with the tide',
      'glowing deep inside',
    ],
  },
  ain: {
    words: ['rain', 'again', 'lane', 'remain', 'plain', 'explain'],
    endings: [
      'dancing in the rain',
      "I'd do it all again",
      'down memory lane',
      'forever will remain',
      'more than I can explain',
      'the truth is sweet and plain',
    ],
  },
};

export const RHYME_KEYS: readonly string[] = Object.keys(RHYMES);

const GROUP_BY_WORD = new Map<string, string>();
for (const [key, group] of Object.entries(RHYMES)) {
  for (const word of group.words) GROUP_BY_WORD.set(word, key);
}

/** The rhyme group a line ends in, or null when its last word is not in the table. */
export function rhymeGroupOf(line: string): string | null {
  return GROUP_BY_WORD.get(lastWord(line)) ?? null;
}
