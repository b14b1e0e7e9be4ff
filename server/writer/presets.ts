import { VARIATION_LABELS } from '../../schema/presets.ts';
import { occasionKind, type OccasionKind } from './occasions.ts';
import type { Preset } from './types.ts';

// Three variations per occasion, offered side by side. The defaults are the three of
// schema/presets.ts (poetic-romantic, upbeat-playful, heartfelt-emotional); a memorial swaps the
// playful one for gentler wording because a party anthem is the wrong song for a funeral.

type Variation = Omit<Preset, 'id'>;

const ROMANTIC: Variation = {
  label: VARIATION_LABELS['poetic-romantic'],
  style: 'romantic ballad',
  mood: 'warm, starry-eyed',
  tempo: 'slow 72 BPM sway',
  instrumentation: 'fingerpicked acoustic guitar, soft piano, light strings',
  delivery: 'intimate and tender',
  defaultGenre: 'acoustic pop',
  tone: 'romantic',
  variation: 'poetic-romantic',
};

const PLAYFUL: Variation = {
  label: VARIATION_LABELS['upbeat-playful'],
  style: 'upbeat singalong',
  mood: 'joyful, cheeky',
  tempo: 'bouncy 118 BPM',
  instrumentation: 'handclaps, bright electric guitar, punchy drums, bass',
  delivery: 'playful and smiling',
  defaultGenre: 'pop',
  tone: 'playful',
  variation: 'upbeat-playful',
};

const HEARTFELT: Variation = {
  label: VARIATION_LABELS['heartfelt-emotional'],
  style: 'heartfelt anthem',
  mood: 'grateful, moving',
  tempo: 'mid-tempo 88 BPM build',
  instrumentation: 'piano, swelling strings, big drums in the last chorus',
  delivery: 'earnest, soaring on the chorus',
  defaultGenre: 'pop ballad',
  tone: 'heartfelt',
  variation: 'heartfelt-emotional',
};

const VARIATIONS: Readonly<Record<OccasionKind, readonly [Variation, Variation, Variation]>> = {
  birthday: [
    ROMANTIC,
    { ...PLAYFUL, style: 'upbeat party anthem', tone: 'celebratory' },
    HEARTFELT,
  ],
  wedding: [
    {
      ...ROMANTIC,
      style: 'first-dance ballad',
      tempo: 'slow 66 BPM waltz in 6/8',
      instrumentation: 'piano, warm strings, soft brushed drums',
    },
    {
      ...PLAYFUL,
      style: 'feel-good celebration',
      instrumentation: 'horns, handclaps, funky bass, tambourine',
      tone: 'celebratory',
    },
    { ...HEARTFELT, style: 'heartfelt vow song', mood: 'devoted, moving' },
  ],
  anniversary: [
    ROMANTIC,
    { ...PLAYFUL, style: 'sunny love song', mood: 'light-hearted, affectionate' },
    {
      ...HEARTFELT,
      style: 'heartfelt love anthem',
      mood: 'devoted, nostalgic',
      tone: 'reflective',
    },
  ],
  graduation: [
    {
      ...ROMANTIC,
      label: 'Poetic & proud',
      style: 'cinematic ballad',
      mood: 'proud, wistful',
      tempo: 'slow 76 BPM build',
      tone: 'reflective',
    },
    { ...PLAYFUL, style: 'upbeat victory anthem', mood: 'triumphant, fun', tone: 'celebratory' },
    { ...HEARTFELT, style: 'heartfelt send-off', mood: 'proud, hopeful' },
  ],
  memorial: [
    {
      label: 'Tender & reflective',
      style: 'tender tribute',
      mood: 'gentle, reflective',
      tempo: 'slow 64 BPM, rubato',
      instrumentation: 'solo piano, soft cello, room ambience',
      delivery: 'hushed and close',
      defaultGenre: 'piano ballad',
      tone: 'tender',
      variation: 'poetic-romantic',
    },
    {
      label: 'Gentle & hopeful',
      style: 'celebration-of-life folk song',
      mood: 'warm, hopeful, grateful',
      tempo: 'easy 84 BPM',
      instrumentation: 'acoustic guitar, harmonium, soft harmonies',
      delivery: 'warm and steady',
      defaultGenre: 'folk',
      tone: 'reflective',
      variation: 'heartfelt-emotional',
    },
    {
      ...HEARTFELT,
      style: 'emotional tribute anthem',
      mood: 'aching, uplifting',
      tempo: 'slow 70 BPM build',
      instrumentation: 'piano, strings, choir pads in the last chorus',
      tone: 'tender',
    },
  ],
  justBecause: [ROMANTIC, PLAYFUL, HEARTFELT],
};

// Ids come from the labels, so they stay readable in logs and stable while the wording is.
const slug = (label: string) =>
  label
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

/** Exactly three presets for the occasion, in display order. Returns fresh copies. */
export function presetsFor(occasion: string): Preset[] {
  const kind = occasionKind(occasion);
  return VARIATIONS[kind].map((v) => ({ id: `${kind}-${slug(v.label)}`, ...v }));
}

/** The preset for the n-th song of an order: songs cycle through the three variations. */
export function presetForSong(occasion: string, songIndex: number): Preset {
  const presets = presetsFor(occasion);
  return presets[songIndex % presets.length]!;
}
