import type { SongBrief } from '../../schema/draft.ts';

/** A sample song the built-in engine makes from a fixed brief, the way a customer's is made. */
export interface SampleBrief {
  /** Stable: it names the sample's URL and its rendered file. */
  id: string;
  /** Who it was made for and why, as its card says it. */
  occasion: string;
  brief: SongBrief;
}

// Three of the occasions people ask for most, each offered a different first variation (warm and
// tender, poetic and romantic, tender and reflective), so the three sound unlike one another.
// The people and their stories are invented; the words are the built-in writer's own.
export const SAMPLE_BRIEFS: readonly SampleBrief[] = [
  {
    id: 'grandmother-birthday',
    occasion: 'For a grandmother’s 80th birthday',
    brief: {
      recipient: 'Rosa',
      relationship: 'my grandmother',
      occasion: 'her 80th birthday',
      story:
        'She taught me to bake bread in her kitchen in Valencia. Every Sunday the whole family squeezed around her table, and she still dances when the radio plays.',
      genre: 'acoustic folk',
      mood: 'warm',
      vocals: 'female',
      language: 'English',
    },
  },
  {
    id: 'tenth-anniversary',
    occasion: 'For a tenth wedding anniversary',
    brief: {
      recipient: 'Sam',
      relationship: 'my husband',
      occasion: 'our tenth wedding anniversary',
      story:
        'We met in the rain at a bus stop and shared one umbrella. Ten years, two cities and one very loud dog later, he still brings me coffee every morning.',
      genre: 'pop',
      mood: 'romantic',
      vocals: 'female',
      language: 'English',
    },
  },
  {
    id: 'father-memorial',
    occasion: 'In memory of a father',
    brief: {
      recipient: 'Walter',
      relationship: 'my late father',
      occasion: 'his memorial',
      story:
        'Dad fixed every bike on our street and whistled while he worked. Every summer he took us fishing at the lake. He never said much, but he was always there.',
      genre: 'piano ballad',
      mood: 'gentle',
      vocals: 'male',
      language: 'English',
    },
  },
];
