import { occasionKind, type OccasionKind } from './occasion.ts';
import { relationOf, type Relation, type RelationKind } from './relationship.ts';

// The three variations every song is made in, in the order their cards show them
// (variationIndex), chosen from who the song is for and the occasion. Both sides call
// presetsFor: the server writes with these presets and stores their ids on the slots, the client
// titles each card with the label of the id its slot stores.

/** The three sound families a music provider (and the built-in engine) knows. */
export const VARIATION_IDS = ['poetic-romantic', 'upbeat-playful', 'heartfelt-emotional'] as const;
export type VariationId = (typeof VARIATION_IDS)[number];

/** Every variation a song can be offered in, with its card label and nearest sound family. */
export const VARIATIONS = {
  'poetic-romantic': { label: 'Poetic & romantic', family: 'poetic-romantic' },
  'upbeat-playful': { label: 'Upbeat & playful', family: 'upbeat-playful' },
  'heartfelt-emotional': { label: 'Heartfelt & emotional', family: 'heartfelt-emotional' },
  'warm-tender': { label: 'Warm & tender', family: 'heartfelt-emotional' },
  'warm-grateful': { label: 'Warm & grateful', family: 'heartfelt-emotional' },
  'proud-uplifting': { label: 'Proud & uplifting', family: 'heartfelt-emotional' },
  'fun-nostalgic': { label: 'Fun & nostalgic', family: 'upbeat-playful' },
  'sweet-silly': { label: 'Sweet & silly', family: 'upbeat-playful' },
  'tender-reflective': { label: 'Tender & reflective', family: 'poetic-romantic' },
  'gentle-hopeful': { label: 'Gentle & hopeful', family: 'heartfelt-emotional' },
  // Offered to graduations before relationships chose the variations; kept so stored slots
  // still show the label they were made with.
  'poetic-proud': { label: 'Poetic & proud', family: 'poetic-romantic' },
} as const satisfies Record<string, { label: string; family: VariationId }>;
export type VariationName = keyof typeof VARIATIONS;

type Three = readonly [VariationName, VariationName, VariationName];

// Only a partner is offered "Poetic & romantic"; a parent, a child, a friend or a pet gets a
// warm, proud or silly variation in its place.
const BY_RELATION: Readonly<Record<RelationKind, Three>> = {
  partner: ['poetic-romantic', 'upbeat-playful', 'heartfelt-emotional'],
  parent: ['warm-tender', 'upbeat-playful', 'heartfelt-emotional'],
  grandparent: ['warm-tender', 'fun-nostalgic', 'heartfelt-emotional'],
  child: ['proud-uplifting', 'upbeat-playful', 'warm-tender'],
  sibling: ['fun-nostalgic', 'upbeat-playful', 'heartfelt-emotional'],
  friend: ['fun-nostalgic', 'upbeat-playful', 'heartfelt-emotional'],
  colleague: ['warm-grateful', 'upbeat-playful', 'proud-uplifting'],
  pet: ['sweet-silly', 'upbeat-playful', 'warm-tender'],
  someone: ['warm-tender', 'upbeat-playful', 'heartfelt-emotional'],
};

// A memorial is gentle whoever it is for: no party anthem at a funeral, and no love-song card.
const MEMORIAL: Three = ['tender-reflective', 'gentle-hopeful', 'heartfelt-emotional'];

function variationsFor(relation: Relation, occasion: OccasionKind): Three {
  if (relation.isMemorial || occasion === 'memorial') return MEMORIAL;
  const [first, second, third] = BY_RELATION[relation.kind];
  // A graduation or a retirement is an achievement: its first card is the proud one.
  if (
    (occasion === 'graduation' || occasion === 'retirement') &&
    ![second, third].includes('proud-uplifting')
  )
    return ['proud-uplifting', second, third];
  return [first, second, third];
}

/** One variation of a song as both sides see it. */
export type PresetChoice = {
  /** Stored on the slot: `<occasion>-<variation>`, e.g. "birthday-warm-tender". */
  id: string;
  name: VariationName;
  label: string;
  /** The nearest sound family, for music providers that know only three. */
  family: VariationId;
};

const kebab = (kind: OccasionKind) => kind.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** Exactly three variations for this song, in card order. */
export function presetsFor(song: { relationship: string; occasion: string }): PresetChoice[] {
  const occasion = occasionKind(song.occasion);
  const relation = relationOf(song.relationship, song.occasion);
  return variationsFor(relation, occasion).map((name) => ({
    id: `${kebab(occasion)}-${name}`,
    name,
    label: VARIATIONS[name].label,
    family: VARIATIONS[name].family,
  }));
}

// Longest names first, so "tender-reflective" is never read as some shorter name it ends with.
const NAMES_BY_LENGTH = (Object.keys(VARIATIONS) as VariationName[]).sort(
  (a, b) => b.length - a.length,
);

/**
 * The variation a stored preset id names, whichever occasion prefix it has: ids written before
 * relationships chose the variations ("birthday-poetic-romantic") read the same way.
 */
export function variationNameOf(id: string): VariationName | null {
  return NAMES_BY_LENGTH.find((n) => id === n || id.endsWith(`-${n}`)) ?? null;
}

/** The card label for a stored preset id, or null for an id it does not know. */
export function presetLabel(id: string): string | null {
  const name = variationNameOf(id);
  return name ? VARIATIONS[name].label : null;
}
