import type { TitlePattern } from './occasions.ts';
import type { Tone } from './types.ts';

// Lead lines: the first half of a lyric line, before the rhyming ending. The tone banks below
// suit anyone; what only fits a partner, a parent or a pet lives in relations.ts. Slots in braces are
// filled from the brief: {name} is the recipient (or a fallback like "my love"), the others are
// details pulled from the story (see story.ts). A lead is only used when all its slots are filled.

export type DetailKind = 'memory' | 'you' | 'now' | 'place' | 'person' | 'thing' | 'year' | 'span';

/** Detail kinds in the order verses use them: lived moments first, dates last. */
export const DETAIL_ORDER: readonly DetailKind[] = [
  'memory',
  'you',
  'now',
  'place',
  'thing',
  'person',
  'year',
  'span',
];

export const DETAIL_LINES: Readonly<Record<DetailKind, readonly string[]>> = {
  memory: [
    '{memory}',
    'I still remember how {memory}',
    'I think about the time {memory}',
    'Back when {memory}',
  ],
  you: ['I love the way {you}', '{name}, {you}', 'I still picture how {you}'],
  now: ['{now}', '{name}, {now}', 'And {now}'],
  place: [
    "We'll always have {place}",
    'I can still see {place}',
    'Take me back to {place}',
    'Back in {place} where it all began',
  ],
  person: [
    'With {person} right there beside us',
    'Even {person} can see it',
    '{person} knows it too',
  ],
  thing: ['I think of {thing}', 'Nothing beats {thing}', 'I keep coming back to {thing}'],
  year: ['Back in {year}', 'Ever since {year}', 'It all started in {year}'],
  span: ['{span} and counting', 'After {span} together'],
};

export type ToneBank = {
  verse: readonly string[];
  chorus: readonly string[];
  bridge: readonly string[];
  titles: readonly TitlePattern[];
};

export const TONES: Readonly<Record<Tone, ToneBank>> = {
  romantic: {
    verse: [
      'Every time you look my way',
      'I fell for you so easily',
      'Your laughter is my favorite tune',
      'You make the ordinary glow',
      "I'd choose you in every life",
      "{name}, you're my everything",
    ],
    chorus: [
      "You're the reason that I sing",
      'My heart still skips when you walk in',
      'Hold me close and never let me go',
      'In your arms is where I live',
    ],
    bridge: [
      'If I could stop the clock tonight',
      "And when we're old and slow",
      'Whatever comes tomorrow',
      "I'd write it in the stars",
    ],
    titles: [
      { title: 'Forever {Name}', hook: 'Forever you, {name}' },
      { title: 'Love Song for {Name}', hook: 'This love song is yours, {name}' },
      { title: '{Place} Nights', hook: 'Those {place} nights with you, {name}' },
      { title: 'Since {Year}', hook: 'Loving you since {year}, {name}' },
    ],
  },
  playful: {
    verse: [
      'You crack me up every single time',
      'We laugh until our stomachs ache',
      'You dance like no one is watching',
      'Turn the music up real loud',
      'Nobody does it quite like you',
      "{name}, you're a little bit wild",
    ],
    chorus: [
      'Clap your hands and sing it loud',
      'Everybody jump around',
      'Nobody does it quite like you',
      'Turn it up and let it ring',
    ],
    bridge: [
      'Okay, one more time',
      'Now everybody sing',
      'Hands up if you love {name}',
      'Let the whole block hear it',
    ],
    titles: [
      { title: 'Big Fun With {Name}', hook: "It's always big fun with you, {name}" },
      { title: "{Name}, You're the Best", hook: "{name}, you're the best" },
      { title: 'Turn It Up for {Name}', hook: 'Turn it up for {name}' },
      { title: 'Only in {Place}', hook: 'Only in {place} with you, {name}' },
    ],
  },
  heartfelt: {
    verse: [
      'You showed me how to be brave',
      "{name}, I don't say it enough",
      'You carried me when I was weak',
      "I'm thankful for the things you do",
      'You never asked for anything',
      "You're the steady in my storm",
    ],
    chorus: [
      'You mean the world to me',
      'I am who I am because of you',
      'Thank you for the way you love',
      'You lift me higher than I know',
    ],
    bridge: [
      'And if I never said it right',
      'So let me say it plain',
      'When the world was heavy',
      'You were there before I asked',
    ],
    titles: [
      { title: 'Thank You, {Name}', hook: 'Thank you, {name}' },
      { title: 'Because of You, {Name}', hook: 'Because of you, {name}' },
      { title: 'What You Mean to Me', hook: '{name}, you mean the world to me' },
    ],
  },
  tender: {
    verse: [
      'I still hear your laughter, {name}',
      'The house is quiet without you',
      'I keep your picture by the door',
      'I see you in the morning sun',
      'You taught me how to love',
      'Your chair is empty at the table',
    ],
    chorus: [
      "You're not gone, you live in us",
      'Your love is still the light we follow',
      'We hold your memory close',
      'Every song we sing is yours',
    ],
    bridge: [
      'And when the evening settles in',
      'If I could hold your hand once more',
      "I'll tell them all about you",
      'Some goodbyes are not the end',
    ],
    titles: [
      { title: 'Still With Me, {Name}', hook: "You're still with me, {name}" },
      { title: 'Your Light, {Name}', hook: 'I still see your light, {name}' },
      { title: 'Remembering {Name}', hook: "We're remembering you, {name}" },
    ],
  },
  reflective: {
    verse: [
      'Looking back on all the years',
      'Time moves fast but some things stay',
      'Every road has led me here',
      "We've seen the seasons change",
      'The little moments add up',
      'Funny how the years fly by',
    ],
    chorus: [
      "Look at everything we've been through",
      "These are the days we'll remember",
      'Every step has brought us here',
      'The story is still being written',
    ],
    bridge: [
      'And if the road gets long',
      "I wouldn't change a single thing",
      'So here is to the years ahead',
      "We're only just beginning",
    ],
    titles: [
      { title: 'All the Years, {Name}', hook: 'All the years with you, {name}' },
      { title: 'Looking Back, {Name}', hook: 'Looking back with you, {name}' },
      { title: 'Since {Year}', hook: 'Every day since {year}, {name}' },
    ],
  },
  celebratory: {
    verse: [
      'Raise your glasses high tonight',
      'Everybody gather round',
      'Let us hear it for {name}',
      'Put your dancing shoes on',
      'The music is turned up loud',
      'Tonight belongs to you',
    ],
    chorus: [
      'Raise it up, raise it up',
      'Sing it loud for all to hear',
      'This is your moment now',
      'Everybody celebrate',
    ],
    bridge: [
      'One more time now',
      'Hands up for {name}',
      'Let the whole town hear it',
      "Nobody's leaving yet",
    ],
    titles: [
      { title: "Here's to {Name}", hook: "Here's to you, {name}" },
      { title: "{Name}'s Day", hook: "It's your day, {name}" },
      { title: 'Raise It Up for {Name}', hook: 'Raise it up for {name}' },
    ],
  },
  proud: {
    verse: [
      'Look how far you have come',
      'Every door you knocked on opened',
      'You never let the hard days win',
      '{name}, you earned every bit of this',
      'You kept on going when it got tough',
      'The world is ready for you now',
    ],
    chorus: [
      'Stand tall, you made it here',
      "We're all so proud of you",
      'Every step was worth it',
      'This is only the beginning',
    ],
    bridge: [
      'So take a bow tonight',
      'And when the next mountain comes',
      "There's nothing you can't do",
      'Remember where you started',
    ],
    titles: [
      { title: 'Look How Far, {Name}', hook: 'Look how far you came, {name}' },
      { title: 'Stand Tall, {Name}', hook: 'Stand tall, {name}' },
      { title: 'Only the Beginning, {Name}', hook: "It's only the beginning, {name}" },
    ],
  },
};

/** The slots a template needs, e.g. ["name", "place"]. */
export function slotsOf(template: string): string[] {
  return [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!.toLowerCase());
}
