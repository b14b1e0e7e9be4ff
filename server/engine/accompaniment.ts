// Chord parts: keys and guitar play the genre's comping patterns, the pad holds voice-led
// chords, and the extra layer lifts the last chorus by doubling or harmonising the tune.

import { chordAt, type ChordSlot, type Form, type Section } from './arrangement.ts';
import type { Choices } from './choices.ts';
import {
  COMP_PATTERNS,
  METRE_DEFAULTS,
  STEPS_PER_BAR,
  type CompPattern,
  type Metre,
} from './grooves.ts';
import { spreadVoicing, strumVoicing, voiceChord } from './harmony.ts';
import type { Instrument } from './instruments.ts';
import type { MelodyNote } from './melody.ts';
import { heldTo, LEGATO_QN, type ScoreNote } from './score.ts';
import { SECTION_SHAPES, type FamilyProfile } from './tables.ts';
import { chordPitchClasses, chordRoot, type Key } from './theory.ts';

export interface CompChoice {
  light: string;
  full: string;
}

/** Picks a light and a full pattern, weighted by the family's taste for arpeggios, blocks or rhythm. */
export function chooseComp(
  name: string,
  patterns: readonly string[],
  metre: Metre,
  family: FamilyProfile,
  choices: Choices,
): CompChoice {
  let ids = patterns.filter((id) => COMP_PATTERNS[id]?.metre === metre);
  if (ids.length === 0) ids = METRE_DEFAULTS[metre].comp;
  const tagWeight = (id: string, boost: Partial<Record<CompPattern['tag'], number>>) => {
    const tag = (COMP_PATTERNS[id] as CompPattern).tag;
    return family.patternTags[tag] * (boost[tag] ?? 1);
  };
  const light = choices.pick(`${name}-light`, ids, (id) =>
    tagWeight(id, { block: 1.5, arp: 1.5, rhythm: 0.6 }),
  );
  const fullOptions = ids.length > 1 ? ids.filter((id) => id !== light) : ids;
  const full = choices.pick(`${name}-full`, fullOptions, (id) => tagWeight(id, { rhythm: 1.4 }));
  return { light, full };
}

function compRange(inst: Instrument): [number, number] {
  const lo = Math.max(inst.range[0], Math.min(inst.centre - 10, 55));
  return [lo, Math.min(inst.range[1], lo + 22)];
}

export interface CompOptions {
  part: 'keys' | 'guitar';
  inst: Instrument;
  comp: CompChoice;
  key: Key;
  metre: Metre;
  choices: Choices;
}

export function writeComp(form: Form, o: CompOptions): ScoreNote[] {
  const stepsPerBar = STEPS_PER_BAR[o.metre];
  const beatQn = o.metre === '6/8' ? 1.5 : 1;
  const [lo, hi] = compRange(o.inst);
  const jitter = o.choices.rng(`${o.part}-velocity`);
  const notes: ScoreNote[] = [];
  let prevVoicing: number[] | null = null;
  const lastSection = form.sections[form.sections.length - 1];

  for (const section of form.sections) {
    const shape = SECTION_SHAPES[section.kind];
    const mode = o.part === 'guitar' && !shape.guitar ? 'off' : shape.keys;
    if (mode === 'off') continue;
    const pattern = COMP_PATTERNS[mode === 'full' ? o.comp.full : o.comp.light];
    if (!pattern) continue;
    const baseVel = 58 + section.energy * 34;
    for (let bar = 0; bar < section.bars; bar++) {
      const barStart = section.start + bar * form.barQn;
      if (section === lastSection && bar === section.bars - 1) {
        // Final chord: one sustained, slightly spread voicing that rings into the tail.
        const slot = chordAt(form.sections, barStart);
        if (slot) {
          const voicing =
            o.part === 'guitar'
              ? strumVoicing(slot.chord, o.key)
              : voiceChord(slot.chord, o.key, lo, hi, prevVoicing);
          voicing.forEach((p, i) =>
            notes.push({
              pitch: p,
              velocity: Math.round(baseVel),
              start: barStart,
              dur: form.barQn * 1.5,
              offsetSec: i * 0.018,
            }),
          );
        }
        continue;
      }
      for (let s = 0; s < stepsPerBar; s++) {
        const ch = pattern.steps[s] ?? '.';
        if (ch === '-' || ch === '.') continue;
        let len = 1;
        while (s + len < stepsPerBar && pattern.steps[s + len] === '-') len++;
        const at = barStart + s * 0.25;
        const slot = chordAt(form.sections, at + 1e-6);
        if (!slot) continue;
        const offbeat = s % 4 !== 0;
        const vel = baseVel - (offbeat ? 7 : 0) + jitter.jitter(5);
        // Arpeggios ring like a held sustain pedal until the chord changes, and held chords
        // last into the next one; only short hits are detached.
        const chordEnd = slot.start + slot.dur;
        const ringEnd = Math.min(chordEnd, at + form.barQn);
        const written = len * 0.25;
        let dur = written * 0.94;
        if (pattern.tag === 'arp') dur = Math.max(written, ringEnd - at);
        if (heldTo(at, Math.max(dur, written), chordEnd, beatQn)) dur = chordEnd - at + LEGATO_QN;
        const push = (pitch: number, velocity: number, offsetSec = 0) =>
          notes.push({
            pitch,
            velocity: Math.round(Math.min(120, Math.max(30, velocity))),
            start: at,
            dur,
            offsetSec,
          });

        if (ch === 'C' || ch === 'U' || ch === 'L') {
          const voicing = voiceChord(slot.chord, o.key, lo, hi, prevVoicing);
          prevVoicing = voicing;
          if (ch === 'L') {
            const root = lo - 12 + ((chordRoot(slot.chord, o.key) - (lo - 12) + 120) % 12);
            push(Math.max(o.inst.range[0], root), vel + 4);
          } else {
            const notesOf = ch === 'U' ? voicing.slice(1) : voicing;
            notesOf.forEach((p, i) => push(p, vel - (ch === 'U' ? 6 : 0), i * 0.004));
          }
        } else if (ch === 'd' || ch === 'u') {
          const strum = strumVoicing(slot.chord, o.key);
          const strings = ch === 'd' ? strum : strum.slice(-4).reverse();
          strings.forEach((p, i) =>
            push(p, vel - (ch === 'u' ? 12 : 0) - i * 1.5, i * (ch === 'd' ? 0.011 : 0.008)),
          );
        } else if (ch >= '1' && ch <= '6') {
          const spread = spreadVoicing(slot.chord, o.key, Math.max(o.inst.range[0], lo - 10));
          const idx = (Number(ch) - 1) % spread.length;
          push(spread[idx] as number, vel - (idx === 0 ? 0 : 4));
        }
      }
    }
  }
  return notes;
}

export function writePad(
  form: Form,
  inst: Instrument,
  key: Key,
  from: 'verse' | 'chorus',
  choices: Choices,
): ScoreNote[] {
  const lo = Math.max(inst.range[0], 53);
  const hi = Math.min(inst.range[1], lo + 22);
  const jitter = choices.rng('pad-velocity');
  const notes: ScoreNote[] = [];
  let prev: number[] | null = null;
  let started = false;
  for (const section of form.sections) {
    if (section.kind === from || section.kind === 'chorus') started = true;
    const wanted =
      SECTION_SHAPES[section.kind].pad &&
      (started || section.kind === 'intro' || section.kind === 'outro');
    if (!wanted) continue;
    const isLast = section === form.sections[form.sections.length - 1];
    section.chords.forEach((slot: ChordSlot, i) => {
      const voicing = voiceChord(slot.chord, key, lo, hi, prev, 4);
      prev = voicing;
      const final = isLast && i === section.chords.length - 1;
      const vel = 50 + section.energy * 28 + jitter.jitter(3);
      for (const p of voicing)
        notes.push({
          pitch: p,
          velocity: Math.round(vel),
          start: slot.start,
          dur: final ? slot.dur * 1.5 : slot.dur + LEGATO_QN,
        });
    });
  }
  return notes;
}

/** The last-chorus lift: bells or plucks double the tune, held instruments harmonise under it. */
export function writeExtra(
  form: Form,
  inst: Instrument,
  key: Key,
  melody: readonly MelodyNote[],
): ScoreNote[] {
  const notes: ScoreNote[] = [];
  const targets = form.sections.filter(
    (s: Section) => (s.kind === 'chorus' && s.last) || s.kind === 'solo',
  );
  for (const section of targets) {
    const end = section.start + section.bars * form.barQn;
    const tune = melody.filter((n) => n.start >= section.start - 0.5 && n.start < end);
    if (!inst.sustain) {
      for (const n of tune) {
        let p = n.pitch + 12;
        while (p > inst.range[1]) p -= 12;
        while (p < inst.range[0]) p += 12;
        notes.push({
          pitch: p,
          velocity: Math.max(40, n.velocity - 14),
          start: n.start,
          dur: n.dur,
        });
      }
      continue;
    }
    for (const slot of section.chords) {
      const first = tune.find(
        (n) => n.start >= slot.start - 1e-6 && n.start < slot.start + slot.dur,
      );
      const pcs = new Set(chordPitchClasses(slot.chord, key));
      const ceiling = Math.min(inst.range[1], (first?.pitch ?? inst.centre + 5) - 3);
      let p = ceiling;
      while (p > inst.range[0] && !pcs.has(((p % 12) + 12) % 12)) p--;
      if (p < Math.max(inst.range[0], ceiling - 12)) continue;
      notes.push({
        pitch: p,
        velocity: Math.round(52 + section.energy * 30),
        start: slot.start,
        dur: slot.dur + LEGATO_QN,
      });
    }
  }
  return notes;
}
