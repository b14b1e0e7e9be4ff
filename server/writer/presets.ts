import { occasionKind, type OccasionKind } from '../../schema/occasion.ts';
import {
  presetsFor as choicesFor,
  VARIATIONS,
  variationNameOf,
  type VariationName,
} from '../../schema/presets.ts';
import type { Preset } from './types.ts';

// How each variation sounds. schema/presets.ts decides which three a song gets (from who it is
// for and the occasion); this tunes their sound per occasion. Pure data: a new variation is an
// entry here and in the schema, not a code path.

type Sound = Omit<Preset, 'id' | 'label' | 'variation'>;

const SOUNDS: Readonly<Record<VariationName, Sound>> = {
  'poetic-romantic': {
    style: 'romantic ballad',
    mood: 'warm, starry-eyed',
    tempo: 'slow 72 BPM sway',
    instrumentation: 'fingerpicked acoustic guitar, soft piano, light strings',
    delivery: 'intimate and tender',
    defaultGenre: 'acoustic pop',
    tone: 'romantic',
  },
  'upbeat-playful': {
    style: 'upbeat singalong',
    mood: 'joyful, cheeky',
    tempo: 'bouncy 118 BPM',
    instrumentation: 'handclaps, bright electric guitar, punchy drums, bass',
    delivery: 'playful and smiling',
    defaultGenre: 'pop',
    tone: 'playful',
  },
  'heartfelt-emotional': {
    style: 'heartfelt anthem',
    mood: 'grateful, moving',
    tempo: 'mid-tempo 88 BPM build',
    instrumentation: 'piano, swelling strings, big drums in the last chorus',
    delivery: 'earnest, soaring on the chorus',
    defaultGenre: 'pop ballad',
    tone: 'heartfelt',
  },
  'warm-tender': {
    style: 'warm acoustic ballad',
    mood: 'warm, tender, grateful',
    tempo: 'gentle 80 BPM',
    instrumentation: 'acoustic guitar, soft piano, cello',
    delivery: 'warm and close',
    defaultGenre: 'acoustic folk-pop',
    tone: 'heartfelt',
  },
  'warm-grateful': {
    style: 'feel-good thank-you song',
    mood: 'warm, grateful, easy-going',
    tempo: 'easy 92 BPM groove',
    instrumentation: 'acoustic guitar, Rhodes piano, light percussion',
    delivery: 'warm and smiling',
    defaultGenre: 'soft pop',
    tone: 'heartfelt',
  },
  'proud-uplifting': {
    style: 'uplifting anthem',
    mood: 'proud, hopeful',
    tempo: 'mid-tempo 96 BPM build',
    instrumentation: 'piano, driving drums, soaring strings',
    delivery: 'bright and proud, soaring on the chorus',
    defaultGenre: 'pop',
    tone: 'proud',
  },
  'fun-nostalgic': {
    style: 'nostalgic singalong',
    mood: 'fond, cheeky, nostalgic',
    tempo: 'bouncy 108 BPM',
    instrumentation: 'jangly guitars, handclaps, tambourine, bass',
    delivery: 'grinning and warm',
    defaultGenre: 'indie pop',
    tone: 'reflective',
  },
  'sweet-silly': {
    style: 'sweet, silly singalong',
    mood: 'goofy, affectionate',
    tempo: 'bouncy 112 BPM',
    instrumentation: 'ukulele, glockenspiel, handclaps, whistles',
    delivery: 'playful and sweet',
    defaultGenre: 'ukulele pop',
    tone: 'playful',
  },
  'tender-reflective': {
    style: 'tender tribute',
    mood: 'gentle, reflective',
    tempo: 'slow 64 BPM, rubato',
    instrumentation: 'solo piano, soft cello, room ambience',
    delivery: 'hushed and close',
    defaultGenre: 'piano ballad',
    tone: 'tender',
  },
  'gentle-hopeful': {
    style: 'celebration-of-life folk song',
    mood: 'warm, hopeful, grateful',
    tempo: 'easy 84 BPM',
    instrumentation: 'acoustic guitar, harmonium, soft harmonies',
    delivery: 'warm and steady',
    defaultGenre: 'folk',
    tone: 'reflective',
  },
  'poetic-proud': {
    style: 'cinematic ballad',
    mood: 'proud, wistful',
    tempo: 'slow 76 BPM build',
    instrumentation: 'fingerpicked acoustic guitar, soft piano, light strings',
    delivery: 'intimate and tender',
    defaultGenre: 'acoustic pop',
    tone: 'reflective',
  },
};

// What an occasion changes in a variation's sound; anything not listed sounds as above.
const TUNING: Readonly<
  Partial<Record<OccasionKind, Partial<Record<VariationName, Partial<Sound>>>>>
> = {
  birthday: {
    'upbeat-playful': { style: 'upbeat party anthem', tone: 'celebratory' },
  },
  wedding: {
    'poetic-romantic': {
      style: 'first-dance ballad',
      tempo: 'slow 66 BPM waltz in 6/8',
      instrumentation: 'piano, warm strings, soft brushed drums',
    },
    'upbeat-playful': {
      style: 'feel-good celebration',
      instrumentation: 'horns, handclaps, funky bass, tambourine',
      tone: 'celebratory',
    },
    'heartfelt-emotional': { style: 'heartfelt wedding song', mood: 'devoted, moving' },
  },
  anniversary: {
    'upbeat-playful': { style: 'sunny celebration song', mood: 'light-hearted, affectionate' },
    'heartfelt-emotional': {
      style: 'heartfelt anniversary anthem',
      mood: 'devoted, nostalgic',
      tone: 'reflective',
    },
  },
  graduation: {
    'upbeat-playful': {
      style: 'upbeat victory anthem',
      mood: 'triumphant, fun',
      tone: 'celebratory',
    },
    'heartfelt-emotional': { style: 'heartfelt send-off', mood: 'proud, hopeful' },
    'proud-uplifting': { style: 'cinematic graduation anthem', mood: 'proud, wistful' },
  },
  retirement: {
    'upbeat-playful': { style: 'feel-good send-off party', tone: 'celebratory' },
    'proud-uplifting': { style: 'proud send-off anthem', mood: 'proud, grateful' },
  },
  mothersDay: {
    'upbeat-playful': { style: 'sunny thank-you singalong', mood: 'joyful, grateful' },
  },
  fathersDay: {
    'upbeat-playful': { style: 'sunny thank-you singalong', mood: 'joyful, grateful' },
  },
  memorial: {
    'heartfelt-emotional': {
      style: 'emotional tribute anthem',
      mood: 'aching, uplifting',
      tempo: 'slow 70 BPM build',
      instrumentation: 'piano, strings, choir pads in the last chorus',
      tone: 'tender',
    },
  },
};

type SongFor = { relationship: string; occasion: string };

function preset(id: string, name: VariationName, occasion: OccasionKind): Preset {
  return {
    id,
    label: VARIATIONS[name].label,
    ...SOUNDS[name],
    ...TUNING[occasion]?.[name],
    variation: VARIATIONS[name].family,
  };
}

/** Exactly three presets for the song, in card order, with the ids and labels the client shows. */
export function presetsFor(song: SongFor): Preset[] {
  const kind = occasionKind(song.occasion);
  return choicesFor(song).map((choice) => preset(choice.id, choice.name, kind));
}

/**
 * The preset a slot was claimed with, from the id it stores, so its words and sound match the
 * label its card shows even if the choice of variations changed since; an unknown id gets the
 * song's current preset for that card.
 */
export function presetOfSlot(song: SongFor, storedId: string, variationIndex: number): Preset {
  const name = variationNameOf(storedId);
  if (name) return preset(storedId, name, occasionKind(song.occasion));
  const presets = presetsFor(song);
  return presets[variationIndex % presets.length]!;
}

/** The preset for the n-th song of an order: songs cycle through the three variations. */
export function presetForSong(song: SongFor, songIndex: number): Preset {
  const presets = presetsFor(song);
  return presets[songIndex % presets.length]!;
}
