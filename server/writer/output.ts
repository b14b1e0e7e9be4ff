import { scrubArtists } from './artists.ts';
import { clamp, isInjection, plainLine, stripHidden, withoutInjection } from './text.ts';
import { LIMITS, WriterOutputSchema, type WriterOutput } from './types.ts';

// Every song leaves through here, whichever writer drafted it: text is stripped of hidden
// characters and markup, artist names are replaced, lengths are clamped, and the lyrics are rebuilt
// from recognised section tags. A draft that cannot be made valid is refused, never passed on.

export type Draft = { title: string; musicPrompt: string; musicStyle: string; lyrics: string };
export type Finalised = { ok: true; output: WriterOutput } | { ok: false; reason: string };

const MAX_SECTIONS = 12;
const MAX_LINES_PER_SECTION = 16;
const MAX_LINE = 120;

const TAG_LINE =
  /^[[(]?\s*(intro|verse|pre[\s-]?chorus|chorus|hook|refrain|bridge|outro)\s*(\d{1,2})?\s*[\])]?\s*:?$/i;

function canonicalTag(word: string): string {
  const w = word.toLowerCase().replace(/\s+/g, '-');
  if (w === 'hook' || w === 'refrain') return 'Chorus';
  if (w.startsWith('pre')) return 'Pre-Chorus';
  return w.charAt(0).toUpperCase() + w.slice(1);
}

function cleanText(text: string, max: number): string {
  return clamp(withoutInjection(scrubArtists(plainLine(text))), max);
}

/**
 * Rebuilds lyrics from tagged sections. Lines before the first tag are dropped (they are
 * preambles, not lyrics); verses are renumbered in order; tag lookalikes inside lines are removed.
 */
export function normaliseLyrics(text: string): string | null {
  const sections: { tag: string; lines: string[] }[] = [];
  let verses = 0;
  // Split before stripping: line breaks are control characters too.
  for (const raw of text.normalize('NFKC').split(/\r\n?|[\n\u2028\u2029\v\f]/)) {
    const tag = TAG_LINE.exec(
      stripHidden(raw)
        .replace(/[*#_`>]/g, '')
        .trim(),
    );
    if (tag) {
      const name = canonicalTag(tag[1]!);
      if (sections.length >= MAX_SECTIONS) break;
      sections.push({ tag: name === 'Verse' ? `Verse ${++verses}` : name, lines: [] });
      continue;
    }
    const current = sections[sections.length - 1];
    const lyric = isInjection(raw) ? '' : cleanText(raw, MAX_LINE);
    if (current && lyric && current.lines.length < MAX_LINES_PER_SECTION) current.lines.push(lyric);
  }

  const blocks = sections
    .filter((s) => s.lines.length > 0)
    .map((s) => ({ tag: s.tag, text: `[${s.tag}]\n${s.lines.join('\n')}` }));

  // Whole sections in order while they fit; the song keeps its verse-chorus shape when clamped.
  let out = '';
  for (const block of blocks) {
    const joined = out ? `${out}\n\n${block.text}` : block.text;
    if (joined.length <= LIMITS.lyrics) {
      out = joined;
      continue;
    }
    const hasVerse = /^\[Verse \d+\]$/m.test(out);
    const hasChorus = /^\[Chorus\]$/m.test(out);
    const needed =
      (block.tag.startsWith('Verse') && !hasVerse) || (block.tag === 'Chorus' && !hasChorus);
    if (needed) {
      const lines = block.text.split('\n');
      while (lines.length > 1 && `${out}\n\n${lines.join('\n')}`.length > LIMITS.lyrics)
        lines.pop();
      if (lines.length > 1) out = out ? `${out}\n\n${lines.join('\n')}` : lines.join('\n');
    }
  }
  return out || null;
}

/** Makes sure a non-English song says so, even if the draft forgot. */
function withLanguage(prompt: string, language: string | null): string {
  const lang = language?.toLowerCase();
  const lower = prompt.toLowerCase();
  const said =
    !lang ||
    [`in ${lang}`, `${lang} lyric`, `${lang} vocal`, `${lang} language`, `${lang}-language`].some(
      (s) => lower.includes(s),
    );
  if (said) return clamp(prompt, LIMITS.musicPrompt);
  const note = `Sung in ${scrubArtists(language ?? '', 'remove')}.`;
  return `${clamp(prompt, LIMITS.musicPrompt - note.length - 1)} ${note}`;
}

export function finalise(draft: Draft, opts: { language: string | null }): Finalised {
  const lyrics = normaliseLyrics(draft.lyrics);
  if (!lyrics) return { ok: false, reason: 'lyrics have no tagged sections' };
  const prompt = cleanText(draft.musicPrompt, LIMITS.musicPrompt);
  if (!prompt) return { ok: false, reason: 'music prompt is empty' };
  const output = {
    title: cleanText(draft.title.replace(/^["'“”‘’\s]+|["'“”‘’\s]+$/g, ''), LIMITS.title),
    musicPrompt: withLanguage(prompt, opts.language),
    musicStyle: cleanText(draft.musicStyle, LIMITS.musicStyle),
    lyrics,
  };
  const parsed = WriterOutputSchema.safeParse(output);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      ok: false,
      reason: `${issue?.path.join('.') || 'output'}: ${issue?.message ?? 'invalid'}`,
    };
  }
  return { ok: true, output: parsed.data };
}
