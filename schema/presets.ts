// The three variations every song is made in, in the order their cards show them
// (variationIndex). The server tunes each one per occasion (server/writer/presets.ts) and names
// the nearest of these to a music provider; the client titles a card with its label. The server
// also makes its preset ids from these labels, so a label's wording is part of stored data.
export const VARIATION_IDS = ['poetic-romantic', 'upbeat-playful', 'heartfelt-emotional'] as const;
export type VariationId = (typeof VARIATION_IDS)[number];

export const VARIATION_LABELS: Readonly<Record<VariationId, string>> = {
  'poetic-romantic': 'Poetic & romantic',
  'upbeat-playful': 'Upbeat & playful',
  'heartfelt-emotional': 'Heartfelt & emotional',
};
