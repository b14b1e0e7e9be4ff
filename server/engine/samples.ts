// A representative song request, shared by the benchmark and the tests so both exercise the
// engine with the kind of input the app sends: tagged lyrics, a style, a mood and an occasion.

import { VARIATION_IDS } from '../../schema/presets.ts';
import type { SongSpec } from './types.ts';

export const SAMPLE_LYRICS = `[Verse 1]
We met beneath the summer lights
Your laughter carried through the night
I knew that I would never be the same
From the moment that I heard your name

[Chorus]
Happy anniversary my love
You are the one I'm dreaming of
Every single day with you
Feels like a dream come true

[Verse 2]
Ten years of coffee in the morning
Holding hands without a warning
Through the storms and through the sun
You have always been the one

[Chorus]
Happy anniversary my love
You are the one I'm dreaming of
Every single day with you
Feels like a dream come true

[Bridge]
And when we're old and grey
I'll still feel this way

[Chorus]
Happy anniversary my love
You are the one I'm dreaming of
Every single day with you
Feels like a dream come true`;

export const PRESETS = VARIATION_IDS;

export function sampleSpec(overrides: Partial<SongSpec> = {}): SongSpec {
  return {
    seed: 'sample-slot:1',
    take: 1,
    title: 'Ten Years',
    musicPrompt: 'a warm song for our tenth anniversary',
    musicStyle: 'pop',
    mood: 'romantic',
    occasion: 'anniversary',
    preset: 'poetic-romantic',
    lyrics: SAMPLE_LYRICS,
    vocals: 'female',
    ...overrides,
  };
}
