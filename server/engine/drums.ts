// The drum part: the genre's grooves by section intensity, fills into new sections, crashes
// on the downbeats that open a bigger section, and a last hit on the final chord.

import type { Form, Section } from './arrangement.ts';
import type { Choices } from './choices.ts';
import {
  DRUM_FILLS,
  DRUM_PATTERNS,
  METRE_DEFAULTS,
  STEPS_PER_BAR,
  type DrumPattern,
  type Metre,
} from './grooves.ts';
import { DRUM_KEYS, type DrumVoice } from './instruments.ts';
import type { ScoreNote } from './score.ts';
import type { GenreProfile } from './tables.ts';

const VELOCITY: Record<string, number> = { X: 118, x: 96, o: 72, g: 46 };

function usable(
  ids: readonly string[],
  metre: Metre,
  table: Record<string, DrumPattern>,
): string[] {
  return ids.filter((id) => table[id]?.metre === metre);
}

function patternEvents(
  p: DrumPattern,
  barInPattern: number,
  stepsPerBar: number,
  fromStep: number,
  toStep: number,
): { voice: DrumVoice; step: number; vel: number }[] {
  const out: { voice: DrumVoice; step: number; vel: number }[] = [];
  for (const [voice, steps] of Object.entries(p.voices) as [DrumVoice, string][]) {
    const bars = Math.max(1, Math.round(steps.length / stepsPerBar));
    const offset = (barInPattern % bars) * stepsPerBar;
    for (let s = fromStep; s < toStep; s++) {
      const ch = steps[offset + s];
      const vel = ch ? VELOCITY[ch] : undefined;
      if (vel) out.push({ voice, step: s, vel });
    }
  }
  return out;
}

export function writeDrums(
  form: Form,
  metre: Metre,
  genre: GenreProfile,
  choices: Choices,
  energy: number,
): ScoreNote[] {
  const stepsPerBar = STEPS_PER_BAR[metre];
  const defaults = METRE_DEFAULTS[metre];
  const pickGroove = (level: 1 | 2 | 3): string => {
    const list =
      level === 1 ? genre.grooves.light : level === 2 ? genre.grooves.full : genre.grooves.drive;
    const options = usable(list, metre, DRUM_PATTERNS);
    return options.length > 0
      ? choices.pick(`groove${level}`, options)
      : level === 1
        ? defaults.light
        : defaults.full;
  };
  const grooves = { 1: pickGroove(1), 2: pickGroove(2), 3: pickGroove(3) } as const;
  const fills = usable(genre.grooves.fill, metre, DRUM_FILLS);
  const fillId = fills.length > 0 ? choices.pick('fill', fills) : defaults.fill;
  const jitter = choices.rng('drum-velocity');
  const notes: ScoreNote[] = [];
  const hit = (voice: DrumVoice, at: number, vel: number, scale: number) => {
    const v = Math.round(Math.min(127, Math.max(20, vel * scale + jitter.jitter(5))));
    notes.push({ pitch: DRUM_KEYS[voice], velocity: v, start: at, dur: 0.25 });
  };

  const sections = form.sections;
  sections.forEach((section: Section, si) => {
    if (section.drums === 0) return;
    const groove = DRUM_PATTERNS[grooves[section.drums]] as DrumPattern;
    const scale = 0.78 + 0.3 * section.energy + (energy - 0.5) * 0.1;
    const next = sections[si + 1];
    const prev = sections[si - 1];
    const wantsFill =
      next !== undefined &&
      next.drums > 0 &&
      (next.kind === 'chorus' || next.drums > section.drums || section.bars >= 8);
    for (let bar = 0; bar < section.bars; bar++) {
      const barStart = section.start + bar * form.barQn;
      const lastBar = bar === section.bars - 1;
      // The outro's last bar is the held final chord: only the closing hit plays there.
      if (section.kind === 'outro' && lastBar && si === sections.length - 1) continue;
      const fill = lastBar && wantsFill ? DRUM_FILLS[fillId] : undefined;
      const cut = fill ? fill.from : stepsPerBar;
      for (const e of patternEvents(groove, bar, stepsPerBar, 0, cut))
        hit(e.voice, barStart + e.step * 0.25, e.vel, scale);
      if (fill)
        for (const e of patternEvents(fill, 0, stepsPerBar, fill.from, stepsPerBar))
          hit(e.voice, barStart + e.step * 0.25, e.vel, scale);
    }
    const lifts =
      !prev || prev.drums < section.drums || section.kind === 'chorus' || section.kind === 'solo';
    if (section.drums >= 2 && lifts) {
      hit('x', section.start, 104, scale);
      if (!groove.voices.k?.startsWith('x') && !groove.voices.k?.startsWith('X'))
        hit('k', section.start, 100, scale);
    }
  });

  // The final chord gets a cymbal if the song had a full groove anywhere.
  const outro = sections[sections.length - 1];
  if (outro && sections.some((s) => s.drums >= 2)) {
    const finalBar = outro.start + (outro.bars - 1) * form.barQn;
    hit('x', finalBar, 96, 1);
    hit('k', finalBar, 96, 1);
  }
  return notes.sort((a, b) => a.start - b.start || a.pitch - b.pitch);
}
