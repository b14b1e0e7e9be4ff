import type { TimedLine } from '../../schema/lyrics.ts';

/** A sung line and when it starts, as the gift page highlights it. */
export interface GiftLine {
  line: string;
  startSec: number;
}

// A section label such as "[Verse 1]" is not sung, so it is never highlighted.
const LABEL = /^\s*\[[^\]]*\]\s*$/;

/**
 * The timed lines of a take, in order, from either shape stored in takes.lyrics_timestamped:
 * the built-in engine's TimedLine[] (seconds), or MusicGPT's list of {text, start} with times
 * in milliseconds (sometimes a JSON string of it). Anything else gives no timed lines, and the
 * page shows the lyrics without highlighting.
 */
export function timedLines(stored: unknown): GiftLine[] {
  let value = stored;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return [];
    }
  }
  if (!Array.isArray(value)) return [];
  const lines: GiftLine[] = [];
  for (const item of value as unknown[]) {
    if (typeof item !== 'object' || item === null) continue;
    const engine = item as Partial<TimedLine>;
    const provider = item as { text?: unknown; start?: unknown };
    const line =
      typeof engine.line === 'string'
        ? engine.line
        : typeof provider.text === 'string'
          ? provider.text
          : undefined;
    const startSec =
      typeof engine.startSec === 'number'
        ? engine.startSec
        : typeof provider.start === 'number'
          ? provider.start / 1000
          : undefined;
    if (line === undefined || startSec === undefined || !Number.isFinite(startSec)) continue;
    if (!line.trim() || LABEL.test(line)) continue;
    lines.push({ line: line.trim(), startSec: Math.max(0, startSec) });
  }
  lines.sort((a, b) => a.startSec - b.startSec);
  return lines;
}
