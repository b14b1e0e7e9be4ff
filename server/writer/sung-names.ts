import type { SongBrief } from '../../schema/draft.ts';
import type { SungName } from '../../schema/pronunciation.ts';

// The lyrics a person reads spell the name as they typed it; a singer that reads text (MusicGPT)
// is given the respelling in its place, so "Siobhan" is sung "shi-VAWN" and not "see-OB-han".
// Only what is sent to be sung changes: the written lyrics, their cache and the takes keep the
// real spelling, and what a provider hands back is spelled right again before it is stored.

/** A word of a name: letters and marks, with inner apostrophes and hyphens ("O'Neill", "Mary-Kate"). */
const NAME_WORD = /[\p{L}\p{M}]+(?:['’-][\p{L}\p{M}]+)*/gu;

const wordsOf = (text: string) => [...text.matchAll(NAME_WORD)].map((m) => m[0]);

/** The respelling without its hyphens and case, to tell a real respelling from the name retyped. */
const plain = (text: string) => text.toLowerCase().replace(/[\s'’-]+/g, '');

/**
 * Which names the singer says another way, from the brief's name and its pronunciation. Word by
 * word when both have as many words ("Siobhan Murphy" / "shi-VAWN MUR-fee"); otherwise the first
 * word of the name takes the whole respelling ("Siobhan Murphy" / "shi-VAWN"). A word said as it
 * is spelled ("Ana" / "ana") is left alone.
 */
export function sungNamesOf(brief: Pick<SongBrief, 'recipient' | 'pronunciation'>): SungName[] {
  const names = wordsOf(brief.recipient);
  const sung = (brief.pronunciation ?? '').trim().split(/\s+/).filter(Boolean);
  if (names.length === 0 || sung.length === 0) return [];
  const pairs: SungName[] =
    names.length === sung.length
      ? names.map((name, i) => ({ name, sung: sung[i]! }))
      : [{ name: names[0]!, sung: sung.join(' ') }];
  return pairs.filter((p) => plain(p.name) !== plain(p.sung));
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The whole word `pattern`, in any case, not inside a longer word; "'s" after it stays. */
const wholeWord = (pattern: string) =>
  new RegExp(`(?<![\\p{L}\\p{M}\\p{N}])${pattern}(?![\\p{L}\\p{M}\\p{N}])`, 'giu');

/** The lyrics a singer sings from: each name, as a whole word in any case, said its sung way. */
export function lyricsToSing(lyrics: string, names: readonly SungName[]): string {
  // Longer names first, so "Mary-Kate" is replaced before a "Mary" of another pair could be.
  const ordered = [...names].sort((a, b) => b.name.length - a.name.length);
  return ordered.reduce(
    (text, { name, sung }) => text.replace(wholeWord(escape(name)), () => sung),
    lyrics,
  );
}

/** Each respelling, in any case and with its hyphens or spaces as they came, back to the name. */
function respellingsToNames(text: string, names: readonly SungName[]): string {
  const ordered = [...names].sort((a, b) => b.sung.length - a.sung.length);
  return ordered.reduce((out, { name, sung }) => {
    const pieces = sung
      .split(/[\s-]+/)
      .filter(Boolean)
      .map(escape);
    if (pieces.length === 0) return out;
    return out.replace(wholeWord(pieces.join('[\\s-]?')), () => name);
  }, text);
}

/**
 * Text a singer gave back (its lyrics, a timed line) spelled as written again. A line sung as it
 * was sent, whatever its case, is the `written` line it came from ("SIOBHAN, sing"); in any other,
 * each respelling becomes the name as the brief spells it.
 */
export function lyricsAsWritten(text: string, names: readonly SungName[], written = ''): string {
  if (names.length === 0) return text;
  const sent = new Map(
    written
      .split('\n')
      .map((line) => [lyricsToSing(line, names).trim().toLowerCase(), line.trim()]),
  );
  return text
    .split('\n')
    .map((line) => {
      const same = sent.get(line.trim().toLowerCase());
      return same === undefined
        ? respellingsToNames(line, names)
        : line.replace(line.trim(), () => same);
    })
    .join('\n');
}

/** lyricsAsWritten over every string inside a provider's JSON (timed lyrics: `[{text, …}]`). */
export function jsonAsWritten(value: unknown, names: readonly SungName[], written = ''): unknown {
  if (names.length === 0) return value;
  if (typeof value === 'string') return lyricsAsWritten(value, names, written);
  if (Array.isArray(value)) return value.map((v) => jsonAsWritten(v, names, written));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, jsonAsWritten(v, names, written)]),
    );
  }
  return value;
}
