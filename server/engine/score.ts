// The composed song before it becomes sound: parts of notes in quarter-note time, plus the
// tempo map that turns quarter notes into seconds (swing, and a slight slowing at the end).

import type { Instrument } from './instruments.ts';

export type PartId = 'lead' | 'keys' | 'guitar' | 'pad' | 'bass' | 'extra' | 'drums';

/**
 * How far a sustained note (a pad chord, a held chord, a legato bass note) runs past the chord
 * change it leads to. Ending on the change, every part's release tail would fall together and
 * the level sag 6–7 dB just before each downbeat; a short overlap is heard as legato.
 */
export const LEGATO_QN = 0.1;

/** Whether a note written `lenQn` long from `at` is a held note ending on the change at `end`. */
export function heldTo(at: number, lenQn: number, end: number, beatQn: number): boolean {
  return lenQn >= beatQn - 1e-9 && Math.abs(at + lenQn - end) < 1e-6;
}

export interface ScoreNote {
  pitch: number;
  velocity: number;
  start: number; // quarter notes
  dur: number;
  /** Strum and flam offsets in seconds, applied after the tempo map. */
  offsetSec?: number;
}

export interface Part {
  id: PartId;
  instrument: Instrument;
  /** Mix level in dB, pan -1..1, reverb send 0..1. */
  db: number;
  pan: number;
  send: number;
  notes: ScoreNote[];
}

export interface TimelineOptions {
  qnPerMinute: number;
  leadInSec: number;
  swing: number;
  swingUnit: 8 | 16;
  /** Quarter note where the closing slow-down starts, and where the song ends. */
  ritardFrom: number;
  ritardTo: number;
  /** Tempo at the very end as a fraction of the song tempo. */
  ritardDepth: number;
}

export class Timeline {
  private readonly spq: number;
  private readonly unit: number;

  constructor(private readonly o: TimelineOptions) {
    this.spq = 60 / o.qnPerMinute;
    this.unit = o.swingUnit === 8 ? 0.5 : 0.25;
  }

  /** Swing stretches the first of each pair of subdivisions and squeezes the second. */
  private swung(qn: number): number {
    const s = this.o.swing;
    if (s <= 0) return qn;
    const period = this.unit * 2;
    const base = Math.floor(qn / period + 1e-9) * period;
    const f = qn - base;
    const g = f <= this.unit ? f * (1 + s) : this.unit * (1 + s) + (f - this.unit) * (1 - s);
    return base + g;
  }

  seconds(qn: number): number {
    const q = this.swung(qn);
    const { ritardFrom: r, ritardTo: end, ritardDepth } = this.o;
    const span = end - r;
    if (q <= r || span <= 0 || ritardDepth >= 1) return this.o.leadInSec + q * this.spq;
    // Tempo falls linearly in quarter notes; the time is the integral of its reciprocal.
    const k = 1 - ritardDepth;
    const u = Math.min(q, end) - r;
    const slowed = (-span / k) * Math.log(1 - (k * u) / span) * this.spq;
    const beyond = Math.max(0, q - end) * (this.spq / ritardDepth);
    return this.o.leadInSec + r * this.spq + slowed + beyond;
  }
}
