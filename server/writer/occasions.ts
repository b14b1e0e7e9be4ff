import { OCCASION_KINDS, occasionKind, type OccasionKind } from '../../schema/occasion.ts';

// What each kind of occasion contributes to the words. Pure data: adding an occasion means adding
// its keywords in schema/occasion.ts, an entry here, and its tuning in presets.ts.

export { OCCASION_KINDS, occasionKind, type OccasionKind };

/** A title and the chorus hook sung from it; both take {Name} / {name}, {Place}, {Year}. */
export type TitlePattern = { title: string; hook: string };

export type Occasion = {
  /** The occasion's proper name, as a title or a prompt writes it ("Mother's Day"). */
  name: string;
  /** How the prompt names the song's purpose, e.g. "birthday song". */
  purpose: string;
  /** Lead lines tied to the occasion that suit anyone; a rhyming ending is appended to each. */
  lines: readonly string[];
  /** Lines only a partner should hear ("I promise you my every day"). */
  partnerLines: readonly string[];
  titles: readonly TitlePattern[];
  partnerTitles: readonly TitlePattern[];
};

/** The occasions the words know: every kind, plus a named day the keywords do not know. */
export type LyricOccasion = OccasionKind | 'other';

export const OCCASIONS: Readonly<Record<LyricOccasion, Occasion>> = {
  memorial: {
    name: 'In Loving Memory',
    purpose: 'memorial tribute',
    lines: [
      'We gather here to say your name',
      "Though you're gone from sight",
      'The stories that you left behind',
      'We carry you in all we do',
    ],
    partnerLines: [],
    titles: [
      { title: 'In Loving Memory of {Name}', hook: 'We remember you, {name}' },
      { title: 'Forever Near, {Name}', hook: "You're forever near, {name}" },
    ],
    partnerTitles: [],
  },
  birthday: {
    name: 'Birthday',
    purpose: 'birthday song',
    lines: [
      'Light the candles, make a wish',
      'Another year of being you',
      'Blow them out and count them all',
      "It's your day to shine",
    ],
    partnerLines: [],
    titles: [
      { title: 'Happy Birthday, {Name}', hook: 'Happy birthday, {name}' },
      { title: 'Make a Wish, {Name}', hook: 'Make a wish, {name}' },
    ],
    partnerTitles: [],
  },
  wedding: {
    name: 'Wedding',
    purpose: 'wedding song',
    lines: [
      'Standing here in front of everyone',
      'Our families all gathered round',
      'Today the bells ring out for you',
      'A brand new chapter starts today',
    ],
    partnerLines: ['Two hearts are becoming one', 'I promise you my every day'],
    titles: [
      { title: 'Your Big Day, {Name}', hook: "It's your big day, {name}" },
      { title: 'A New Chapter, {Name}', hook: 'A new chapter starts for you, {name}' },
    ],
    partnerTitles: [
      { title: 'I Do, {Name}', hook: 'I do, I do, {name}' },
      { title: 'Our First Dance', hook: 'Take my hand, {name}' },
    ],
  },
  anniversary: {
    name: 'Anniversary',
    purpose: 'anniversary song',
    lines: [
      'All these years and going strong',
      'Another year gone by too fast',
      'Look at all the years behind you',
      'Here is to the years ahead',
    ],
    partnerLines: [
      'All these years and still you take my breath',
      'Every year I choose you again',
      "We've grown in the same direction",
      'Look how far the two of us have come',
    ],
    titles: [
      { title: 'All These Years, {Name}', hook: 'All these years, {name}' },
      { title: 'Still Going Strong, {Name}', hook: 'Still going strong, {name}' },
    ],
    partnerTitles: [{ title: 'Still You, {Name}', hook: "It's still you, {name}" }],
  },
  graduation: {
    name: 'Graduation',
    purpose: 'graduation song',
    lines: [
      'Toss your cap into the sky',
      'You worked so hard for this',
      'The world is waiting at the door',
      'Every late night paid off',
    ],
    partnerLines: [],
    titles: [
      { title: 'Cap in the Air, {Name}', hook: 'Throw your cap up, {name}' },
      { title: 'The World Is Yours, {Name}', hook: 'The world is yours, {name}' },
    ],
    partnerTitles: [],
  },
  mothersDay: {
    name: "Mother's Day",
    purpose: "Mother's Day song",
    lines: [
      "It's Mother's Day and this one's yours",
      'You gave me more than I can count',
      'Breakfast in bed is not enough',
      'A single day could never cover it',
    ],
    partnerLines: [],
    titles: [
      { title: "Happy Mother's Day, {Name}", hook: "Happy Mother's Day, {name}" },
      { title: "For You on Mother's Day", hook: "This one's for you, {name}" },
    ],
    partnerTitles: [],
  },
  fathersDay: {
    name: "Father's Day",
    purpose: "Father's Day song",
    lines: [
      "It's Father's Day and this one's yours",
      'You gave me more than I can count',
      'Put your feet up for a while',
      'A single day could never cover it',
    ],
    partnerLines: [],
    titles: [
      { title: "Happy Father's Day, {Name}", hook: "Happy Father's Day, {name}" },
      { title: "For You on Father's Day", hook: "This one's for you, {name}" },
    ],
    partnerTitles: [],
  },
  retirement: {
    name: 'Retirement',
    purpose: 'retirement song',
    lines: [
      'No more alarm clocks in the morning',
      'You earned a lifetime of Sundays',
      'Clock out one final time',
      'The next adventure starts today',
    ],
    partnerLines: [],
    titles: [
      { title: 'Clocking Out, {Name}', hook: "You're clocking out, {name}" },
      { title: 'Well Earned, {Name}', hook: "You've earned it, {name}" },
    ],
    partnerTitles: [],
  },
  justBecause: {
    name: 'Just Because',
    purpose: 'song',
    lines: [
      'No special reason, just because',
      'I wanted you to hear it said',
      "It's an ordinary day",
      "I don't need a holiday",
    ],
    partnerLines: [],
    titles: [
      { title: 'Just Because, {Name}', hook: 'Just because, {name}' },
      { title: 'A Song for {Name}', hook: "This one's for you, {name}" },
    ],
    partnerTitles: [],
  },
  // A day the keywords do not know ("Christmas", "Eid", "your first show"): it has a reason, so
  // the song must not call itself "just because".
  other: {
    name: 'A Special Day',
    purpose: 'song',
    lines: [
      'I wanted you to hear it said',
      'Today is yours and so is this',
      'This one is just for you',
      'A song to mark the day',
    ],
    partnerLines: [],
    titles: [
      { title: 'A Song for {Name}', hook: "This one's for you, {name}" },
      { title: 'For You, {Name}', hook: 'This is for you, {name}' },
    ],
    partnerTitles: [],
  },
};

const JUST_BECAUSE =
  /^\s*$|just because|no reason|for no reason|thinking of you|because i can|for fun/i;

/** The occasion the words are written for: an unrecognised named day is not "just because". */
export function lyricOccasion(kind: OccasionKind, occasionText: string): LyricOccasion {
  return kind === 'justBecause' && !JUST_BECAUSE.test(occasionText) ? 'other' : kind;
}
