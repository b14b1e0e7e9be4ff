// The song's form: which sections play in which order, how many bars each gets, and which
// chord sounds where. Lyrics set the order and are all sung; the target duration decides how
// much instrumental material is added and how densely the words are set.

import { STEPS_PER_BAR, type Metre } from './grooves.ts';
import { dominantChord, tonicChord, type Harmony } from './harmony.ts';
import type { LyricLine, LyricSection, Syllable } from './lyrics.ts';
import type { Rng } from './random.ts';
import { ceilingOf, type Style } from './style.ts';
import { SECTION_SHAPES, type DrumLevel, type SectionKind } from './tables.ts';
import type { Chord } from './theory.ts';

export interface ChordSlot {
  start: number; // quarter notes from the top of the song
  dur: number;
  chord: Chord;
}

export interface Section {
  kind: SectionKind;
  label: string;
  /** How many sections of this kind came before it. */
  index: number;
  start: number; // quarter notes
  bars: number;
  phraseBars: number;
  lines: LyricLine[];
  /** Lines that carry real lyrics (false for invented instrumental phrases). */
  sung: boolean;
  chords: ChordSlot[];
  energy: number;
  drums: DrumLevel;
  last: boolean;
}

export interface Form {
  sections: Section[];
  barQn: number;
  /** Quarter notes from the top to the end of the last bar. */
  lengthQn: number;
  /** Seconds: the last bar's end plus the ring-out tail. */
  durationSec: number;
  leadInSec: number;
  tailSec: number;
}

export const LEAD_IN_SEC = 0.25;
export const TAIL_SEC = 2.75;

interface Block {
  kind: SectionKind;
  lines: LyricLine[];
  sung: boolean;
}

/** Syllable counts for invented phrases when a song has no lyrics. */
const INSTRUMENTAL_LINES: Record<SectionKind, readonly number[]> = {
  intro: [],
  verse: [8, 7, 8, 6],
  pre: [6, 7],
  chorus: [6, 6, 7, 5],
  bridge: [7, 8],
  solo: [6, 6, 7, 5],
  outro: [],
};

function inventedLine(count: number): LyricLine {
  const syllables: Syllable[] = Array.from({ length: count }, (_, i) => ({
    text: 'la',
    stress: i % 2 === 0 ? 2 : 0,
    wordEnd: i % 2 === 1 || i === count - 1,
  }));
  return { text: syllables.map((s) => s.text).join(' '), syllables };
}

function inventedBlock(kind: SectionKind): Block {
  return { kind, lines: (INSTRUMENTAL_LINES[kind] ?? []).map(inventedLine), sung: false };
}

export function barQnOf(metre: Metre): number {
  return STEPS_PER_BAR[metre] / 4;
}

function phraseBarsFor(block: Block, barSec: number, rate: number): number {
  let bars = 1;
  for (const line of block.lines) {
    const need = line.syllables.length / rate + 0.5;
    const fit = [1, 2, 4].find((b) => b * barSec >= need * 0.85) ?? 4;
    bars = Math.max(bars, fit);
  }
  // Very short bars (fast tempos) read better with two-bar phrases.
  if (barSec < 1.9) bars = Math.max(bars, 2);
  return bars;
}

function blockBars(
  block: Block,
  barSec: number,
  rate: number,
): { bars: number; phraseBars: number } {
  const phraseBars = phraseBarsFor(block, barSec, rate);
  let bars = Math.max(1, block.lines.length) * phraseBars;
  const unit = bars >= 4 ? 4 : 2;
  bars = Math.ceil(bars / unit) * unit;
  return { bars, phraseBars };
}

interface Candidate {
  blocks: Block[];
  penalty: number;
  /** Leaves out some of the lyric: only when all of it cannot fit the longest take. */
  drops: boolean;
}

/** Score cost of a form that leaves words out: worse than running 20 s over the limit. */
const DROP_COST = 200;

/** Phrasing densities and their cost: as the family sings, then up to 2.4 times as fast. */
const DENSITIES: readonly (readonly [number, number])[] = [
  [1, 0],
  [1.4, 4],
  [1.8, 12],
  [2.4, 30],
];

function candidates(blocks: Block[]): Candidate[] {
  const out: Candidate[] = [{ blocks, penalty: 0, drops: false }];
  const lastChorus = (list: Block[]) => list.map((b) => b.kind).lastIndexOf('chorus');
  const push = (list: Block[], penalty: number, drops = false) => {
    if (list.length > 0) out.push({ blocks: list, penalty, drops });
  };

  // Longer forms for short lyrics: the lead plays verses and a bridge without words, a solo
  // over the chorus comes before the last chorus, and the chorus repeats.
  const lc = lastChorus(blocks);
  const chorusBlock = lc >= 0 ? (blocks[lc] as Block) : inventedBlock('chorus');
  const solo: Block = { kind: 'solo', lines: chorusBlock.lines, sung: false };
  const lyricVerse = blocks.find((b) => b.kind === 'verse');
  const verse: Block = lyricVerse ? { ...lyricVerse, sung: false } : inventedBlock('verse');
  const bridge: Block = inventedBlock('bridge');
  const soloBeforeLast = (list: Block[]) => {
    const at = lastChorus(list);
    return at >= 0 ? [...list.slice(0, at), solo, ...list.slice(at)] : [...list, solo];
  };
  // A lyric with no verse at all still opens with one.
  const base = lyricVerse ? blocks : [verse, ...blocks];
  const baseCost = lyricVerse ? 0 : 0.5;
  const longer: [Block[], number][] = [
    [base, baseCost],
    [soloBeforeLast(base), 1],
    [[...base, chorusBlock], 1.5],
    [[...base, verse, chorusBlock], 1.5],
    [soloBeforeLast([...base, verse, chorusBlock]), 2.5],
    [[...base, verse, chorusBlock, bridge, chorusBlock], 3],
    [soloBeforeLast([...base, verse, chorusBlock, bridge, chorusBlock]), 4],
    [[...soloBeforeLast(base), chorusBlock], 2.5],
  ];
  for (const [list, cost] of longer) push(list, cost + (list === base ? 0 : baseCost));

  // Shorter forms, each step dropping more of the lyric; only for limits that allow it (the
  // tests' short renders), since a full take sings every word.
  let current = blocks;
  let penalty = 0;
  const step = (next: Block[], cost: number) => {
    if (next.length < current.length || next.some((b, i) => b !== current[i])) {
      penalty += cost;
      current = next;
      push(current, penalty, true);
    }
  };
  const keepLast = (list: Block[], drop: (b: Block, i: number, lastC: number) => boolean) => {
    const l = lastChorus(list);
    return list.filter((b, i) => !drop(b, i, l));
  };
  // Everything after the second verse except the last chorus.
  let verses = 0;
  step(
    keepLast(current, (b, i, l) => {
      if (b.kind === 'verse') verses++;
      return verses > 2 && i !== l;
    }),
    2,
  );
  step(
    keepLast(current, (b) => b.kind === 'bridge'),
    1.5,
  );
  step(
    keepLast(current, (b) => b.kind === 'pre'),
    1,
  );
  step(
    keepLast(current, (b, i, l) => {
      const firstChorus = current.findIndex((x) => x.kind === 'chorus');
      return b.kind === 'chorus' && i !== l && i !== firstChorus;
    }),
    1.5,
  );
  step(
    (() => {
      const firstVerse = current.findIndex((b) => b.kind === 'verse');
      return current.filter((b, i) => !(b.kind === 'verse' && i !== firstVerse));
    })(),
    2,
  );
  const halve = (b: Block): Block =>
    b.lines.length >= 4 ? { ...b, lines: b.lines.slice(0, Math.ceil(b.lines.length / 2)) } : b;
  step(
    current.map((b) => (b.kind === 'verse' ? halve(b) : b)),
    2,
  );
  step(
    current.map((b) => (b.kind === 'chorus' ? halve(b) : b)),
    2,
  );
  step(
    current.map((b) => ({ ...b, lines: b.lines.slice(0, 2) })),
    3,
  );
  return out;
}

export function buildForm(style: Style, lyrics: LyricSection[], harmony: Harmony, rng: Rng): Form {
  const barQn = barQnOf(style.metre);
  const barSec = (barQn * 60) / style.qnPerMinute;
  let blocks: Block[] = lyrics
    .filter((s) => s.kind !== 'intro' && s.kind !== 'outro')
    .map((s) => ({ kind: s.kind === 'solo' ? 'bridge' : s.kind, lines: s.lines, sung: true }));
  if (blocks.length === 0) {
    blocks = (['verse', 'chorus', 'verse', 'chorus', 'bridge', 'chorus'] as SectionKind[]).map(
      inventedBlock,
    );
    // The same invented chorus object repeats, so its melody repeats like a real hook.
    const chorus = blocks[1] as Block;
    blocks = blocks.map((b) => (b.kind === 'chorus' ? chorus : b));
  }
  const baseRate = style.family.melody.syllablesPerSecond;
  const target = style.durationSec;
  const { minSec, maxSec } = style.limits;
  const ceiling = ceilingOf(style.limits);
  const mayDrop = style.limits.wordsCeilingSec === undefined;

  let best: {
    blocks: Block[];
    rate: number;
    intro: number;
    outro: number;
    dur: number;
    score: number;
  } | null = null;
  for (const cand of candidates(blocks)) {
    if (cand.drops && !mayDrop) continue;
    for (const [density, densityCost] of DENSITIES) {
      const rate = baseRate * density;
      const body = cand.blocks.reduce((acc, b) => acc + blockBars(b, barSec, rate).bars, 0);
      for (const intro of [2, 4]) {
        for (const outro of [2, 4]) {
          const dur = LEAD_IN_SEC + (intro + body + outro) * barSec + TAIL_SEC;
          const overshoot =
            dur > maxSec ? (dur - maxSec) * 10 : dur < minSec ? (minSec - dur) * 10 : 0;
          const shape =
            (intro === 4 && barSec > 2.6 ? 1 : 0) + (outro === 4 && barSec > 2.6 ? 1 : 0);
          const score =
            Math.abs(dur - target) +
            overshoot +
            cand.penalty * 3 +
            (cand.drops ? DROP_COST : 0) +
            densityCost +
            shape +
            rng.next() * 0.01;
          if (!best || score < best.score)
            best = { blocks: cand.blocks, rate, intro, outro, dur, score };
        }
      }
    }
  }
  if (!best) throw new Error('no form');

  // Still outside the limits (very short or very long lyrics): pad or trim whole bars.
  let { blocks: chosen, intro, outro } = best;
  const rate = best.rate;
  const bodyBars = () => chosen.reduce((acc, b) => acc + blockBars(b, barSec, rate).bars, 0);
  const total = () => LEAD_IN_SEC + (intro + bodyBars() + outro) * barSec + TAIL_SEC;
  let guard = 0;
  // Short lyrics leave the best form well under the target: add an instrumental verse and the
  // chorus once more (or just the chorus) while that stays inside the limits.
  const floor = Math.max(minSec, target * 0.9);
  while (total() < floor && guard++ < 20) {
    const chorusBlock = chosen.filter((b) => b.kind === 'chorus').pop() ?? inventedBlock('chorus');
    const verseBlock = chosen.find((b) => b.kind === 'verse') ?? inventedBlock('verse');
    const before = chosen;
    chosen = [...before, { ...verseBlock, sung: false }, chorusBlock];
    if (total() > maxSec) chosen = [...before, chorusBlock];
    if (total() > maxSec && total() - barSec * 4 > minSec) {
      chosen = before;
      break;
    }
  }
  while (total() > ceiling && guard++ < 200) {
    const longest = chosen.reduce((a, b) => (b.lines.length > a.lines.length ? b : a));
    if (longest.lines.length <= 1) {
      chosen = chosen.slice(0, -1);
      if (chosen.length <= 1) break;
    } else {
      chosen = chosen.map((b) => (b === longest ? { ...b, lines: b.lines.slice(0, -1) } : b));
    }
  }
  while (total() > ceiling && outro > 1) outro--;
  while (total() > ceiling && intro > 1) intro--;

  // Lay the sections out on the timeline.
  const sections: Section[] = [];
  const counts = new Map<SectionKind, number>();
  let at = 0;
  const lastChorusIdx = chosen.map((b) => b.kind).lastIndexOf('chorus');
  const add = (
    kind: SectionKind,
    bars: number,
    phraseBars: number,
    lines: LyricLine[],
    sung: boolean,
    last = false,
  ) => {
    const index = counts.get(kind) ?? 0;
    counts.set(kind, index + 1);
    const shape = SECTION_SHAPES[kind];
    let energy =
      shape.energy +
      (style.energy - 0.5) * 0.6 +
      (last ? 0.08 : 0) +
      (kind === 'verse' && index > 0 ? 0.04 : 0);
    energy = Math.min(1, Math.max(0.15, energy));
    const genreLevels = Object.values(style.genre.drums);
    let drums: DrumLevel = 0;
    if (!style.noDrums && genreLevels.some((l) => l > 0)) {
      const lvl =
        style.genre.drums[kind] +
        style.drumsDelta +
        (last ? 1 : 0) -
        (kind === 'verse' && index === 0 && style.genre.drums.verse > 1 ? 1 : 0);
      drums = Math.min(3, Math.max(0, Math.round(lvl))) as DrumLevel;
      if ((kind === 'intro' || kind === 'outro') && style.genre.drums[kind] === 0) drums = 0;
    }
    const progression =
      kind === 'verse'
        ? harmony.verse
        : kind === 'bridge'
          ? harmony.bridge
          : kind === 'pre'
            ? harmony.pre
            : harmony.chorus;
    const chords = layChords(
      progression,
      at,
      bars,
      barQn,
      barSec,
      kind === 'outro' ? tonicChord(style.key) : null,
    );
    const label = `${kind}${index > 0 || kind === 'verse' ? ` ${index + 1}` : ''}`;
    sections.push({
      kind,
      label,
      index,
      start: at,
      bars,
      phraseBars,
      lines,
      sung,
      chords,
      energy,
      drums,
      last,
    });
    at += bars * barQn;
  };

  add('intro', intro, 1, [], false);
  chosen.forEach((b, i) => {
    const { bars, phraseBars } = blockBars(b, barSec, rate);
    add(b.kind, bars, phraseBars, b.lines, b.sung, i === lastChorusIdx);
  });
  add('outro', outro, 1, [], false);

  // A bridge or pre-chorus that leads into a chorus ends on the dominant to pull back home.
  for (let i = 0; i + 1 < sections.length; i++) {
    const s = sections[i] as Section;
    const next = sections[i + 1] as Section;
    if ((s.kind === 'bridge' || s.kind === 'pre') && next.kind === 'chorus') {
      const lastSlot = s.chords[s.chords.length - 1];
      if (lastSlot) lastSlot.chord = dominantChord(style.key);
    }
  }

  const lengthQn = at;
  return {
    sections,
    barQn,
    lengthQn,
    durationSec: LEAD_IN_SEC + (lengthQn * 60) / style.qnPerMinute + TAIL_SEC,
    leadInSec: LEAD_IN_SEC,
    tailSec: TAIL_SEC,
  };
}

/** Fills a section's bars with its progression; fast tempos hold each chord for two bars. */
function layChords(
  progression: Chord[],
  start: number,
  bars: number,
  barQn: number,
  barSec: number,
  finalChord: Chord | null,
): ChordSlot[] {
  const n = progression.length;
  let dur = barQn;
  if (n >= 8 && barSec >= 2.6) dur = barQn / 2;
  else if (n < 8 && barSec < 1.6) dur = barQn * 2;
  const slots: ChordSlot[] = [];
  const end = start + bars * barQn;
  let i = 0;
  for (let t = start; t < end - 1e-9; t += dur) {
    slots.push({ start: t, dur: Math.min(dur, end - t), chord: progression[i % n] as Chord });
    i++;
  }
  if (finalChord && slots.length > 0) {
    // The outro lands on the tonic for its whole last bar.
    const lastBar = end - barQn;
    const kept = slots.filter((s) => s.start < lastBar - 1e-9);
    for (const s of kept) if (s.start + s.dur > lastBar) s.dur = lastBar - s.start;
    kept.push({ start: lastBar, dur: barQn, chord: finalChord });
    return kept;
  }
  return slots;
}

export function chordAt(sections: readonly Section[], qn: number): ChordSlot | undefined {
  for (const s of sections) {
    for (const slot of s.chords)
      if (qn >= slot.start - 1e-9 && qn < slot.start + slot.dur - 1e-9) return slot;
  }
  return undefined;
}
