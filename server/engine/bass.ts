// The bass line: the genre's pattern read against the chord under each note, with approach
// notes that lean into the next chord the way a bass player walks into a change.

import { chordAt, type Form } from './arrangement.ts';
import type { Choices } from './choices.ts';
import { BASS_PATTERNS, METRE_DEFAULTS, STEPS_PER_BAR, type Metre } from './grooves.ts';
import { bassRoot } from './harmony.ts';
import type { Instrument } from './instruments.ts';
import { heldTo, LEGATO_QN, type ScoreNote } from './score.ts';
import { SECTION_SHAPES, type GenreProfile } from './tables.ts';
import { chordIntervals, chordThird, type Key } from './theory.ts';

export function writeBass(
  form: Form,
  metre: Metre,
  key: Key,
  genre: GenreProfile,
  inst: Instrument,
  choices: Choices,
): ScoreNote[] {
  const stepsPerBar = STEPS_PER_BAR[metre];
  const beatQn = metre === '6/8' ? 1.5 : 1;
  const fits = (ids: readonly string[]) => ids.filter((id) => BASS_PATTERNS[id]?.metre === metre);
  const light = fits(genre.bass.light);
  const full = fits(genre.bass.full);
  const lightId = light.length > 0 ? choices.pick('bass-light', light) : METRE_DEFAULTS[metre].bass;
  const fullId = full.length > 0 ? choices.pick('bass-full', full) : METRE_DEFAULTS[metre].bass;
  const jitter = choices.rng('bass-velocity');
  // The bass register follows the instrument: a cello plays its line an octave above a bass guitar.
  const lo = Math.max(28, inst.range[0]);
  const notes: ScoreNote[] = [];

  const last = form.sections[form.sections.length - 1];
  // Chord changes in sixteenth steps from the top.
  const changes = new Set(
    form.sections.flatMap((sec) => sec.chords.map((slot) => Math.round(slot.start * 4))),
  );
  for (const section of form.sections) {
    const mode = SECTION_SHAPES[section.kind].bass;
    if (mode === 'off') continue;
    const pattern = BASS_PATTERNS[mode === 'full' ? fullId : lightId];
    if (!pattern) continue;
    for (let bar = 0; bar < section.bars; bar++) {
      const barStart = section.start + bar * form.barQn;
      if (section === last && bar === section.bars - 1) {
        const slot = chordAt(form.sections, barStart);
        if (slot)
          notes.push({
            pitch: bassRoot(slot.chord, key, lo),
            velocity: 92,
            start: barStart,
            dur: form.barQn,
          });
        continue;
      }
      const steps = pattern.steps;
      const isChange = (step: number) => changes.has(Math.round((barStart + step * 0.25) * 4));
      for (let s = 0; s < stepsPerBar; s++) {
        // A note written across a chord change (a whole-bar root under two chords) is struck
        // again on the new root rather than held against it.
        const ch = steps[s] === '-' && isChange(s) ? 'R' : (steps[s] ?? '.');
        if (!'R58373a'.includes(ch)) continue;
        let len = 1;
        while (s + len < stepsPerBar && steps[s + len] === '-' && !isChange(s + len)) len++;
        const at = barStart + s * 0.25;
        const slot = chordAt(form.sections, at + 1e-6);
        if (!slot) continue;
        const root = bassRoot(slot.chord, key, lo);
        let pitch = root;
        if (ch === '5') pitch = root + 7 > lo + 19 ? root - 5 : root + 7;
        else if (ch === '8') pitch = root + 12;
        else if (ch === '3') pitch = root + chordThird(slot.chord);
        else if (ch === '7') pitch = root + (chordIntervals(slot.chord).includes(11) ? 11 : 10);
        else if (ch === 'a') {
          const nextSlot = chordAt(form.sections, at + len * 0.25 + 1e-6) ?? slot;
          const target = bassRoot(nextSlot.chord, key, lo);
          pitch = target === root ? root + 7 : target > root ? target - 1 : target + 1;
          if (pitch > lo + 19) pitch -= 12;
        }
        const offbeat = s % 4 !== 0;
        const velocity = 86 + section.energy * 22 - (offbeat ? 8 : 0) + jitter.jitter(4);
        // Notes of a beat or more are played legato (held, half-note, ballad, walking and 808
        // lines) and the one reaching a chord change runs into it; eighth-note rock and
        // off-beat dance lines keep their detached, pumping feel.
        const written = len * 0.25;
        const chordEnd = slot.start + slot.dur;
        let dur = written >= beatQn - 1e-9 ? written : written * 0.92;
        if (heldTo(at, written, chordEnd, beatQn)) dur = chordEnd - at + LEGATO_QN;
        notes.push({
          pitch,
          velocity: Math.round(Math.min(124, velocity)),
          start: at,
          dur,
        });
      }
    }
  }
  return notes;
}
