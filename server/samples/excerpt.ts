import { SAMPLE_EXCERPT_LINES } from '../../schema/site.ts';

/** Lines on a sample's card: the start of the chorus says most about a song in fewest words. */
export const EXCERPT_LINES = 2;
// A line longer than this would wrap into a paragraph on a phone.
const MAX_LINE = 120;

const TAG = /^\[[^\]]*\]$/;
const CHORUS = /^\[\s*chorus\b/i;

/**
 * The first lines of a song's first chorus (of its first section when it has no chorus), with
 * the section tags left out; lyrics as a provider takes them, tagged or not.
 */
export function lyricsExcerpt(lyrics: string, lines = EXCERPT_LINES): string[] {
  const all = lyrics.split(/\r?\n/).map((line) => line.trim());
  const count = Math.min(lines, SAMPLE_EXCERPT_LINES);
  const picked: string[] = [];
  for (const line of all.slice(all.findIndex((l) => CHORUS.test(l)) + 1)) {
    // Tags and blank lines before the section's first line are skipped; after it, they end it.
    if (line === '' || TAG.test(line)) {
      if (picked.length > 0) break;
      continue;
    }
    picked.push(line.length > MAX_LINE ? `${line.slice(0, MAX_LINE - 1).trimEnd()}…` : line);
    if (picked.length === count) break;
  }
  return picked;
}
