// Turns the free-form song request into concrete musical settings by merging the tables:
// genre first, then occasion, mood and prompt words, then the variation preset's family.
// Song-level choices (tempo, key, metre) come from a seed shared by both takes, so take 2
// re-arranges the same song instead of writing a new one.

import type { Metre } from './grooves.ts';
import { instrument } from './instruments.ts';
import type { Family } from './progressions.ts';
import { Rng } from './random.ts';
import {
  BRIGHT_WORDS,
  FAMILIES,
  FAMILY_WORDS,
  GENRES,
  MOODS,
  OCCASIONS,
  PRESET_FAMILIES,
  PROMPT_WORDS,
  SOMBRE_BPM,
  type FamilyProfile,
  type GenreProfile,
  type Modifier,
} from './tables.ts';
import { pitchClassOf, type Key, type Mode } from './theory.ts';
import type { SongSpec } from './types.ts';

export interface Style {
  genre: GenreProfile;
  family: FamilyProfile;
  /** Seed shared by both takes of one variation: the song itself. */
  songSeed: string;
  /** Seed of this take: its arrangement. */
  takeSeed: string;
  bpm: number;
  /** Quarter notes per minute, which differs from bpm in 6/8 where the beat is a dotted quarter. */
  qnPerMinute: number;
  metre: Metre;
  key: Key;
  energy: number;
  drumsDelta: number;
  noDrums: boolean;
  acoustic: boolean;
  electronic: boolean;
  colour: string;
  roles: NonNullable<Modifier['roles']>;
  affinity: Record<string, number>;
  durationSec: number;
  limits: LengthLimits;
}

const FAMILY_IDS: readonly Family[] = ['romantic', 'playful', 'heartfelt'];

export function familyOf(preset: string): Family {
  const known = PRESET_FAMILIES[preset];
  if (known) return known;
  for (const [re, family] of FAMILY_WORDS) if (re.test(preset)) return family;
  // Unknown ids still land deterministically on one of the three families.
  return FAMILY_IDS[new Rng(`preset:${preset}`).int(0, FAMILY_IDS.length - 1)] as Family;
}

function matchKeyword(text: string, keyword: string): boolean {
  const escaped = keyword.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^a-z])${escaped}($|[^a-z])`, 'i').test(text);
}

export function genreOf(style: string, prompt: string): GenreProfile {
  const pick = (text: string): GenreProfile | undefined => {
    let best: GenreProfile | undefined;
    let bestLen = 0;
    for (const g of GENRES) {
      for (const kw of g.keywords) {
        if (kw.length > bestLen && matchKeyword(text, kw)) {
          best = g;
          bestLen = kw.length;
        }
      }
    }
    return best;
  };
  const fallback = GENRES[0] as GenreProfile;
  const byStyle = pick(style);
  if (byStyle) return byStyle;
  const hinted = PROMPT_WORDS.find(([re, mod]) => mod.genre && re.test(prompt))?.[1].genre;
  return GENRES.find((g) => g.id === hinted) ?? pick(prompt) ?? fallback;
}

function tableMatches(table: Readonly<Record<string, Modifier>>, text: string): Modifier[] {
  return Object.keys(table)
    .filter((word) => matchKeyword(text, word) || matchKeyword(text, word.replace(/'/g, '')))
    .map((word) => table[word] as Modifier);
}

/** The seed without its trailing `:take`, so both takes of one slot share the song. */
export function songSeedOf(seed: string, take: number): string {
  const suffix = `:${take}`;
  return seed.endsWith(suffix) ? seed.slice(0, -suffix.length) : seed;
}

/** A full take lasts 110 to 190 seconds; tests of length-independent behaviour may shorten it. */
export interface LengthLimits {
  minSec: number;
  maxSec: number;
  /**
   * How long a take may run when its lyric cannot be sung within maxSec even at the densest
   * phrasing: every word is sung rather than cut. Without it, words are dropped to fit maxSec.
   */
  wordsCeilingSec?: number;
}

export const TAKE_LIMITS: LengthLimits = { minSec: 110, maxSec: 190, wordsCeilingSec: 300 };

/** The longest a take with these limits may last. */
export function ceilingOf(limits: LengthLimits): number {
  return Math.max(limits.maxSec, limits.wordsCeilingSec ?? 0);
}

/** What a request without a length gets: two and a half minutes, a radio-length song. */
export const DEFAULT_TAKE_SEC = 150;

export function clampDuration(
  durationSec: number | undefined,
  limits: LengthLimits = TAKE_LIMITS,
): number {
  const d =
    durationSec === undefined || !Number.isFinite(durationSec) ? DEFAULT_TAKE_SEC : durationSec;
  return Math.min(limits.maxSec, Math.max(limits.minSec, d));
}

export function resolveStyle(spec: SongSpec, limits: LengthLimits = TAKE_LIMITS): Style {
  const prompt = (spec.musicPrompt ?? '').slice(0, 280);
  const genre = genreOf(spec.musicStyle ?? '', prompt);
  const family = FAMILIES[familyOf(spec.preset ?? '')];
  const modifiers: Modifier[] = [
    ...tableMatches(OCCASIONS, spec.occasion ?? ''),
    ...tableMatches(MOODS, spec.mood ?? ''),
    ...PROMPT_WORDS.filter(([re]) => re.test(prompt)).map(([, m]) => m),
  ];

  const songSeed = songSeedOf(spec.seed, spec.take);
  // The song rng ignores the preset so the three variations share a base tempo and contour;
  // the preset's family then pulls them apart in tempo, key and harmony.
  const song = new Rng(`song:${songSeed}`);
  const fam = new Rng(`song:${songSeed}:${family.family}`);

  const product = (f: (m: Modifier) => number | undefined): number =>
    modifiers.reduce((acc, m) => acc * (f(m) ?? 1), 1);
  const sum = (f: (m: Modifier) => number | undefined): number =>
    modifiers.reduce((acc, m) => acc + (f(m) ?? 0), 0);

  // A sad, nostalgic or memorial brief is minor and slow in every variation, unless the style or
  // prompt asks for brightness ("upbeat", "happy", "dance"...): mood outranks the preset's taste.
  const sombre =
    modifiers.some((m) => m.sombre) && !BRIGHT_WORDS.test(`${spec.musicStyle ?? ''} ${prompt}`);
  const [lo, hi] = genre.bpm;
  let base = (lo + hi) / 2 + song.jitter((hi - lo) / 4);
  base *= product((m) => m.tempoFactor);
  // Clamping before the family factor keeps the three variations apart even at the extremes.
  const [floorBpm, ceilingBpm] = sombre ? SOMBRE_BPM : [70, 150];
  base = Math.min(ceilingBpm, Math.max(floorBpm, base));
  const quarterBpm = base * family.tempoFactor;

  const metreWeights = new Map<Metre, number>(genre.metres.map(([m, w]) => [m, w]));
  const addMetre = (bias: Partial<Record<Metre, number>> | undefined) => {
    for (const [m, w] of Object.entries(bias ?? {}) as [Metre, number][])
      metreWeights.set(m, (metreWeights.get(m) ?? 0) + w);
  };
  addMetre(family.metreBias);
  for (const m of modifiers) addMetre(m.metreBias);
  const metre = fam.weighted([...metreWeights.entries()]);
  // In 6/8 the counted beat is the dotted quarter, so its number is two thirds of the quarter
  // pulse. The base clamp above keeps these in range; the bounds here are only a backstop.
  const bpm = Math.round(
    metre === '6/8'
      ? Math.min(120, Math.max(32, (quarterBpm * 2) / 3))
      : Math.min(180, Math.max(48, quarterBpm)),
  );
  const qnPerMinute = metre === '6/8' ? bpm * 1.5 : bpm;

  const pMinor = Math.min(
    0.9,
    Math.max(0.03, 0.2 + genre.minorBias + family.minorBias + sum((m) => m.minorBias)),
  );
  const drawnMinor = fam.chance(pMinor);
  const mode: Mode = sombre || drawnMinor ? 'minor' : 'major';
  const tonicName = fam.weighted(
    family.tonics.map((t, i) => [t, family.tonics.length - i] as const),
  );
  const majorTonic = pitchClassOf(tonicName);
  const key: Key = { tonic: mode === 'major' ? majorTonic : (majorTonic + 9) % 12, mode };

  const energy = Math.min(0.95, Math.max(0.1, 0.5 + family.energy + sum((m) => m.energy)));
  const roles: NonNullable<Modifier['roles']> = {};
  const affinity: Record<string, number> = { ...family.affinity };
  for (const m of modifiers) {
    Object.assign(roles, m.roles ?? {});
    for (const [id, w] of Object.entries(m.affinity ?? {})) affinity[id] = (affinity[id] ?? 1) * w;
  }
  for (const id of Object.values(roles)) if (id) instrument(id);

  return {
    genre,
    family,
    songSeed,
    takeSeed: `${songSeed}:take${spec.take === 2 ? 2 : 1}`,
    bpm,
    qnPerMinute,
    metre,
    key,
    energy,
    drumsDelta: family.drumsDelta + sum((m) => m.drumsDelta),
    noDrums: modifiers.some((m) => m.noDrums),
    acoustic: modifiers.some((m) => m.acoustic),
    electronic: modifiers.some((m) => m.electronic),
    colour: modifiers.find((m) => m.colour)?.colour ?? genre.colour,
    roles,
    affinity,
    durationSec: clampDuration(spec.durationSec, limits),
    limits,
  };
}
