// The lead line: one note per sung syllable, so a listener can sing the lyrics along with it.
// Stressed syllables are pulled onto beats, each line ends on a held note, lines alternate
// "question" and "answer" endings, and repeated lines over the same chords reuse their melody
// so the chorus is a hook rather than a new tune every time. Every pitch fits the chords that
// sound under it, since a tune that is right where a note starts can be wrong a beat later.

import { chordAt, type ChordSlot, type Form, type Section } from './arrangement.ts';
import type { LyricLine, Syllable } from './lyrics.ts';
import type { Rng } from './random.ts';
import type { Style } from './style.ts';
import { chordPitchClasses, scalePitchClasses, type Key } from './theory.ts';

export interface MelodyNote {
  start: number; // quarter notes
  dur: number;
  pitch: number;
  velocity: number;
}

export interface SungLine {
  section: string;
  text: string;
  syllables: number;
  notes: number;
  /** Quarter notes: where the line's phrase starts, and where its first note sounds. */
  start: number;
  onset: number;
}

export interface Shape {
  on: number;
  dur: number;
}

export interface Hook {
  shapes: Shape[];
  pitches: number[];
  phraseQn: number;
}

export interface Melody {
  notes: MelodyNote[];
  lines: SungLine[];
  /** The chorus's first phrase, for an intro that quotes the hook. */
  hook: Hook | null;
}

type Contour = (t: number) => number;

const CONTOURS: Record<string, Contour> = {
  arch: (t) => Math.sin(Math.PI * t),
  rise: (t) => t * 0.9,
  fall: (t) => 1 - t * 0.9,
  wave: (t) => 0.5 + 0.5 * Math.sin(2 * Math.PI * t),
  dip: (t) => 1 - Math.sin(Math.PI * t) * 0.8,
};

/** Contours per line position in a section, per kind: lines 1 and 3 rhyme, 4 comes home. */
const LINE_CONTOURS: Record<string, readonly string[]> = {
  verse: ['rise', 'fall', 'rise', 'dip'],
  pre: ['rise', 'rise'],
  chorus: ['arch', 'fall', 'arch', 'fall'],
  bridge: ['wave', 'fall', 'wave', 'fall'],
  solo: ['arch', 'fall', 'arch', 'fall'],
};

/** Semitones above the verse's centre, so choruses lift and bridges change colour. */
const SECTION_LIFT: Record<string, number> = { verse: 0, pre: 2, chorus: 0, bridge: 1, solo: 0 };

function rhythmFor(
  syl: readonly Syllable[],
  phraseQn: number,
  beatQn: number,
  syncopation: number,
  rng: Rng,
): Shape[] {
  const n = syl.length;
  if (n === 0) return [];
  const rest = phraseQn >= 6 ? 1 : 0.5;
  let usable = phraseQn - rest;
  let unit = 0.5;
  if (n > usable / unit) unit = 0.25;
  if (n > usable / unit) usable = phraseQn;
  if (n > usable / unit) unit = usable / n;
  const slots = Math.floor(usable / unit + 1e-9);
  const perBeat = Math.max(1, Math.round(beatQn / unit));

  // The last syllable gets a held note; the rest share the remaining slots.
  const spare = slots - n;
  const finalLen = Math.max(1, Math.min(Math.max(1, 2 * perBeat), 1 + Math.floor(spare * 0.45)));
  const body = slots - finalLen;
  const onsets: number[] = [];
  if (n > 1) {
    for (let i = 0; i < n - 1; i++) onsets.push(Math.round((i * body) / (n - 1)));
  }
  onsets.push(body);

  // Pull stressed syllables onto beats and push unstressed ones off them.
  const free = (pos: number, i: number) =>
    pos > (onsets[i - 1] ?? -1) && pos < (onsets[i + 1] ?? Infinity) && pos >= 0;
  for (let i = 1; i < n - 1; i++) {
    const pos = onsets[i] as number;
    const onBeat = pos % perBeat === 0;
    const s = (syl[i] as Syllable).stress;
    if (s === 2 && !onBeat) {
      const down = pos - (pos % perBeat);
      const up = down + perBeat;
      if (free(up, i) && up - pos <= 1) onsets[i] = up;
      else if (free(down, i) && pos - down <= 1) onsets[i] = down;
    } else if (
      s === 0 &&
      onBeat &&
      pos % (perBeat * 2) === 0 &&
      free(pos + 1, i) &&
      rng.chance(0.5)
    ) {
      onsets[i] = pos + 1;
    }
  }
  // Anticipations: a stressed note arrives half a beat early, the classic pop push.
  if (rng.chance(syncopation)) {
    for (let i = n - 2; i >= 1; i--) {
      const pos = onsets[i] as number;
      if ((syl[i] as Syllable).stress === 2 && pos % perBeat === 0 && free(pos - 1, i)) {
        onsets[i] = pos - 1;
        break;
      }
    }
  }
  const shapes: Shape[] = onsets.map((pos, i) => {
    const next = i + 1 < onsets.length ? (onsets[i + 1] as number) : pos + finalLen;
    return { on: pos * unit, dur: (next - pos) * unit };
  });
  // An unstressed first syllable before a stressed one becomes a pickup into the downbeat.
  if (
    n >= 2 &&
    (syl[0] as Syllable).stress === 0 &&
    (syl[1] as Syllable).stress === 2 &&
    (onsets[1] as number) > 0 &&
    rng.chance(0.6)
  ) {
    const first = shapes[0] as Shape;
    const second = shapes[1] as Shape;
    // The second syllable moves onto the downbeat and absorbs the first one's old time.
    first.on = -0.5;
    first.dur = 0.5;
    second.dur += second.on;
    second.on = 0;
  }
  return shapes;
}

interface PitchContext {
  key: Key;
  beatQn: number;
  section: Section;
  sections: readonly Section[];
  phraseStart: number;
  centre: number;
  lo: number;
  hi: number;
  contour: Contour;
  span: number;
  close: boolean;
  leap: number;
  rng: Rng;
  /** The tune this rhythm was first sung to: a re-harmonised repeat stays close to it. */
  anchor?: readonly number[];
}

interface Phrase {
  shapes: Shape[];
  pitches: number[];
}

const pcsOf = (slot: ChordSlot | undefined, key: Key): Set<number> =>
  new Set(slot ? chordPitchClasses(slot.chord, key) : [key.tonic]);

/** Chord changes strictly inside [from, to). */
function changesWithin(sections: readonly Section[], from: number, to: number): ChordSlot[] {
  const out: ChordSlot[] = [];
  for (const s of sections)
    for (const slot of s.chords)
      if (slot.start > from + 1e-6 && slot.start < to - 1e-6) out.push(slot);
  return out;
}

/**
 * Picks each note's pitch against every chord that sounds under it: strong and long notes are
 * chord tones of all of them, and only short notes off the beat pass through the scale. A long
 * note whose chords share no tone is cut at the change (or, pushed half a beat early, belongs
 * to the chord it anticipates), so a held note never turns into a clash under the next chord.
 */
function pitchesFor(rhythm: readonly Shape[], ctx: PitchContext): Phrase {
  const scale = new Set(scalePitchClasses(ctx.key));
  const tonicTriad = new Set([
    ctx.key.tonic,
    (ctx.key.tonic + (ctx.key.mode === 'major' ? 4 : 3)) % 12,
  ]);
  const shapes = rhythm.map((r) => ({ ...r }));
  const out: number[] = [];
  let prev = ctx.centre;
  let before = Number.NaN;
  let lastInterval = 0;
  shapes.forEach((shape, k) => {
    const t = shapes.length > 1 ? k / (shapes.length - 1) : 0.5;
    const target = ctx.centre - ctx.span / 2 + ctx.contour(t) * ctx.span;
    const at = ctx.phraseStart + shape.on;
    const under =
      chordAt(ctx.sections, Math.max(0, at)) ??
      chordAt(ctx.sections, ctx.phraseStart) ??
      ctx.section.chords[0];
    const crossed = changesWithin(ctx.sections, at, at + shape.dur);
    const beats = shape.on / ctx.beatQn;
    const onBeat = Math.abs(beats - Math.round(beats)) < 1e-6;
    const last = k === shapes.length - 1;
    const passing = !onBeat && !last && shape.dur <= ctx.beatQn / 2 + 1e-9 && crossed.length === 0;

    let tones = pcsOf(under, ctx.key);
    if (crossed.length > 0) {
      const later = crossed.map((slot) => pcsOf(slot, ctx.key));
      const common = [...tones].filter((pc) => later.every((set) => set.has(pc)));
      const first = crossed[0] as ChordSlot;
      if (common.length > 0) tones = new Set(common);
      else if (!onBeat && first.start - at <= ctx.beatQn / 2 + 1e-9) {
        // An anticipation: the note arrives early for the next chord and is heard as part of it.
        const next = later
          .slice(1)
          .reduce((acc, set) => acc.filter((pc) => set.has(pc)), [...(later[0] ?? [])]);
        tones = new Set(next.length > 0 ? next : later[0]);
      } else shape.dur = first.start - at;
    }
    let wanted: Set<number>;
    if (passing) wanted = scale;
    else if (last && ctx.close) {
      const home = [...tones].filter((pc) => tonicTriad.has(pc));
      wanted = new Set(home.length > 0 ? home : tones);
    } else if (last) {
      const open = [...tones].filter((pc) => pc !== ctx.key.tonic);
      wanted = new Set(open.length > 0 ? open : tones);
    } else wanted = tones;

    let best = Number.NaN;
    let bestCost = Infinity;
    // A narrow instrument may have no wanted tone in range; the search widens before giving up.
    for (const widen of [0, 5, 12]) {
      for (let p = ctx.lo - widen; p <= ctx.hi + widen; p++) {
        if (!wanted.has(p % 12)) continue;
        const d = Math.abs(p - prev);
        const step = d <= 2 ? 0 : d <= 4 ? 0.9 - ctx.leap * 0.6 : d <= 7 ? 2.6 - ctx.leap : 7;
        const recover =
          Math.abs(lastInterval) > 4 && Math.sign(p - prev) === Math.sign(lastInterval) ? 1.5 : 0;
        // Quick repeated notes are speech-like; slow ones, and runs of three, sound stuck.
        const repeat = p === prev ? (shape.dur <= 0.25 ? 0.2 : 1.1) + (p === before ? 1.2 : 0) : 0;
        const anchored = ctx.anchor ? Math.abs(p - (ctx.anchor[k] ?? p)) * 0.8 : 0;
        const cost =
          Math.abs(p - target) * 0.55 + step + recover + repeat + anchored + ctx.rng.next() * 0.6;
        if (cost < bestCost) {
          bestCost = cost;
          best = p;
        }
      }
      if (bestCost < Infinity) break;
    }
    if (Number.isNaN(best)) best = prev;
    lastInterval = best - prev;
    before = prev;
    prev = best;
    out.push(best);
  });
  return { shapes, pitches: out };
}

/** The chords under a phrase, relative to its start: lines over the same chords share a tune. */
function chordsUnder(sections: readonly Section[], from: number, length: number, key: Key): string {
  const parts: string[] = [];
  for (const s of sections)
    for (const slot of s.chords)
      if (slot.start + slot.dur > from + 1e-6 && slot.start < from + length - 1e-6)
        parts.push(
          `${(slot.start - from).toFixed(3)}:${chordPitchClasses(slot.chord, key).join('.')}`,
        );
  return parts.join(' ');
}

export interface LeadRange {
  centre: number;
  lo: number;
  hi: number;
}

export function writeMelody(form: Form, style: Style, range: LeadRange, rng: Rng): Melody {
  const notes: MelodyNote[] = [];
  const lines: SungLine[] = [];
  // Rhythms by line role and length; tunes by rhythm and the chords under them.
  const rhythms = new Map<string, Phrase>();
  const memo = new Map<string, Phrase>();
  const { melody: feel } = style.family;
  // The counted beat: a dotted quarter in 6/8, a quarter otherwise.
  const beatQn = style.metre === '6/8' ? 1.5 : 1;
  let hook: Hook | null = null;

  for (const section of form.sections) {
    if (section.lines.length === 0) continue;
    const kind = section.kind === 'solo' ? 'chorus' : section.kind;
    const phraseQn = section.phraseBars * form.barQn;
    const contours = LINE_CONTOURS[kind] ?? LINE_CONTOURS.verse ?? [];
    const lift = kind === 'chorus' ? feel.lift : (SECTION_LIFT[kind] ?? 0);
    section.lines.forEach((line: LyricLine, i) => {
      const n = line.syllables.length;
      const pos = i % 4;
      const close = pos === 3 || i === section.lines.length - 1;
      // Lines 1 and 3 share material; repeated sections share everything.
      const material = pos === 2 ? 0 : pos;
      const rhythmKey = `${kind}:${material}:${close}:${n}:${section.phraseBars}`;
      const phraseStart = section.start + i * phraseQn;
      const memoKey = `${rhythmKey}|${chordsUnder(form.sections, phraseStart, phraseQn, style.key)}`;
      let entry = memo.get(memoKey);
      if (!entry) {
        const first = rhythms.get(rhythmKey);
        const lineRng = rng.fork(rhythmKey);
        const shapes =
          first?.shapes ?? rhythmFor(line.syllables, phraseQn, beatQn, feel.syncopation, lineRng);
        entry = pitchesFor(shapes, {
          key: style.key,
          beatQn,
          section,
          sections: form.sections,
          phraseStart,
          centre: Math.min(range.hi - 4, range.centre + lift),
          lo: range.lo,
          hi: range.hi,
          contour: CONTOURS[contours[pos] ?? 'arch'] ?? CONTOURS.arch ?? ((t) => t),
          span: 5 + Math.round(feel.leap * 6),
          close,
          leap: feel.leap,
          rng: first ? rng.fork(memoKey) : lineRng,
          ...(first ? { anchor: first.pitches } : {}),
        });
        if (!first) rhythms.set(rhythmKey, { shapes, pitches: entry.pitches });
        memo.set(memoKey, entry);
      }
      const { shapes, pitches } = entry;
      if (kind === 'chorus' && i === 0 && !hook) hook = { shapes, pitches, phraseQn };
      const soloBoost = section.kind === 'solo' ? 6 : 0;
      shapes.forEach((shape, k) => {
        const syl = line.syllables[k] as Syllable;
        const accent = syl.stress === 2 ? 6 : syl.stress === 1 ? 2 : -6;
        const velocity =
          70 +
          section.energy * 30 +
          accent +
          soloBoost +
          rng.jitter(4) -
          (k === shapes.length - 1 ? 4 : 0);
        notes.push({
          start: phraseStart + shape.on,
          dur: shape.dur,
          pitch: pitches[k] as number,
          velocity: Math.round(Math.min(122, Math.max(40, velocity))),
        });
      });
      if (section.sung)
        lines.push({
          section: section.label,
          text: line.text,
          syllables: n,
          notes: shapes.length,
          start: phraseStart,
          onset: phraseStart + (shapes[0]?.on ?? 0),
        });
    });
  }
  return { notes, lines, hook };
}
