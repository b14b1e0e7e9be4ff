// From score to finished stereo master: every note rendered once per distinct sound and placed
// on its exact sample, each part panned, a shared stereo reverb, then the master bus (master.ts).

import type { Composition } from './composer.ts';
import { master } from './master.ts';
import { Rng } from './random.ts';
import { reverb } from './reverb.ts';
import type { Part, PartId } from './score.ts';
import { loadSoundFont } from './soundfont.ts';
import { NoteSynth, SAMPLE_RATE, type ChannelSetup, type NoteRequest } from './synth.ts';

const CHANNEL: Record<PartId, number> = {
  lead: 0,
  keys: 1,
  guitar: 2,
  pad: 3,
  bass: 4,
  extra: 5,
  drums: 9,
};

/** How far each part's notes drift from the grid, in seconds: played, not sequenced. */
const LOOSENESS: Record<PartId, number> = {
  lead: 0.006,
  keys: 0.005,
  guitar: 0.004,
  pad: 0,
  bass: 0.004,
  extra: 0.005,
  drums: 0.003,
};

const HATS = new Set([42, 44, 46]);
const OPEN_HAT = 46;

/** Lengths are rounded to this many samples (11.6 ms) so repeated notes share one rendering. */
const HOLD_QUANTUM = 512;
/**
 * ...or to a share of the length for long notes: 3% for held tones, whose release is heard,
 * 10% for struck and plucked ones, which have mostly decayed by the time they are let go.
 */
const HOLD_FRACTION = { held: 0.03, decaying: 0.1 };
/** Velocity steps that share one rendering (the rest of the difference becomes gain). */
const VELOCITY_STEP = 12;

export interface Mix {
  /** The finished master: left and right. */
  channels: [Float32Array, Float32Array];
  loudnessLufs: number;
  peakDbfs: number;
  limiterDb: number;
  /** Loudness of the raw mix before normalisation: how far the master had to move it. */
  rawLufs: number;
  distinctNotes: number;
  notes: number;
}

interface Group {
  req: NoteRequest;
  at: number[];
  gain: number[];
  part: Part;
}

function collect(comp: Composition, total: number): { groups: Map<string, Group>; notes: number } {
  const groups = new Map<string, Group>();
  let count = 0;
  for (const part of comp.parts) {
    const channel = CHANNEL[part.id];
    const rng = new Rng(`humanize:${comp.style.takeSeed}:${part.id}`);
    const loose = LOOSENESS[part.id];
    const fraction = part.instrument.sustain ? HOLD_FRACTION.held : HOLD_FRACTION.decaying;
    const sorted = [...part.notes].sort((a, b) => a.start - b.start || a.pitch - b.pitch);
    sorted.forEach((n, i) => {
      const off = n.offsetSec ?? 0;
      const startSec = comp.timeline.seconds(n.start) + off + rng.jitter(loose);
      const at = Math.max(0, Math.round(startSec * SAMPLE_RATE));
      if (at >= total) return;
      let hold: number | null = null;
      let cut: number | null = null;
      if (part.id === 'drums') {
        if (n.pitch === OPEN_HAT) {
          const nextHat = sorted.slice(i + 1).find((m) => HATS.has(m.pitch) && m.start > n.start);
          if (nextHat) {
            const gap = (comp.timeline.seconds(nextHat.start) - startSec) * SAMPLE_RATE;
            cut = Math.max(1, Math.round(gap / HOLD_QUANTUM)) * HOLD_QUANTUM;
          }
        }
      } else {
        const endSec = comp.timeline.seconds(n.start + n.dur) + off;
        const samples = Math.max(0.03, endSec - startSec) * SAMPLE_RATE;
        const quantum = Math.max(
          HOLD_QUANTUM,
          Math.round((samples * fraction) / HOLD_QUANTUM) * HOLD_QUANTUM,
        );
        hold = Math.max(1, Math.round(samples / quantum)) * quantum;
      }
      // Velocity layers are coarse in GM sample sets; small differences become gain instead.
      const vq = Math.min(
        127,
        Math.max(VELOCITY_STEP, Math.round(n.velocity / VELOCITY_STEP) * VELOCITY_STEP),
      );
      const gain = Math.pow(n.velocity / vq, 1.5);
      const key = `${channel}|${n.pitch}|${vq}|${hold ?? 'ring'}|${cut ?? ''}`;
      let g = groups.get(key);
      if (!g) {
        g = { req: { channel, pitch: n.pitch, velocity: vq, hold, cut }, at: [], gain: [], part };
        groups.set(key, g);
      }
      g.at.push(at);
      g.gain.push(gain);
      count++;
    });
  }
  return { groups, notes: count };
}

/** Renders and masters a composition to a stereo master. */
export async function renderMix(comp: Composition): Promise<Mix> {
  const bank = await loadSoundFont();
  const total = Math.round(comp.durationSec * SAMPLE_RATE);
  const left = new Float32Array(total);
  const right = new Float32Array(total);
  const send = new Float32Array(total);

  const setups: ChannelSetup[] = comp.parts.map((p) => ({
    channel: CHANNEL[p.id],
    program: p.instrument.program,
    kit: p.instrument.kit === true,
  }));
  const synth = new NoteSynth(bank, setups);
  await synth.ready;
  const { groups, notes } = collect(comp, total);

  // Notes land in a per-part scratch buffer (one add per sample), and each part is then
  // panned and sent to the reverb in one pass over the span it covers: far fewer memory
  // round trips than panning every note on its own.
  const scratchL = new Float32Array(total);
  // Most parts are mono (one sample per note, centre pan); the right scratch only exists
  // once a stereo-sampled instrument turns up.
  let scratchRight: Float32Array | null = null;
  for (const part of comp.parts) {
    const mine = [...groups.values()].filter((g) => g.part === part);
    if (mine.length === 0) continue;
    // Render each distinct note once, then lay all of the part's notes down in time order so
    // the writes sweep through memory instead of jumping around the whole song.
    const sounds = mine.map((g) => {
      const r = synth.render(g.req);
      return { left: r.left.slice(), right: r.mono ? null : r.right.slice(), length: r.length };
    });
    const stereo = sounds.some((snd) => snd.right !== null);
    if (stereo && !scratchRight) scratchRight = new Float32Array(total);
    const scratchR = scratchRight ?? scratchL;
    const order: { at: number; gain: number; sound: number }[] = [];
    mine.forEach((g, sound) => {
      for (let k = 0; k < g.at.length; k++)
        order.push({ at: g.at[k] as number, gain: g.gain[k] as number, sound });
    });
    order.sort((a, b) => a.at - b.at || a.sound - b.sound);
    let from = total;
    let to = 0;
    for (const { at, gain, sound } of order) {
      const snd = sounds[sound] as {
        left: Float32Array;
        right: Float32Array | null;
        length: number;
      };
      const n = Math.min(snd.length, total - at);
      if (n <= 0) continue;
      from = Math.min(from, at);
      to = Math.max(to, at + n);
      const srcL = snd.left;
      for (let i = 0; i < n; i++)
        scratchL[at + i] = (scratchL[at + i] as number) + (srcL[i] as number) * gain;
      if (stereo) {
        const srcR = snd.right ?? srcL;
        for (let i = 0; i < n; i++)
          scratchR[at + i] = (scratchR[at + i] as number) + (srcR[i] as number) * gain;
      }
    }
    if (to <= from) continue;
    const level = Math.pow(10, part.db / 20);
    const angle = ((part.pan + 1) * Math.PI) / 4;
    const gl = Math.cos(angle) * Math.SQRT2 * level;
    const gr = Math.sin(angle) * Math.SQRT2 * level;
    const sl = part.send * level;
    for (let j = from; j < to; j++) {
      const l = scratchL[j] as number;
      const r = stereo ? (scratchR[j] as number) : l;
      left[j] = (left[j] as number) + l * gl;
      right[j] = (right[j] as number) + r * gr;
      send[j] = (send[j] as number) + (l + r) * 0.5 * sl;
    }
    scratchL.fill(0, from, to);
    if (stereo) scratchR.fill(0, from, to);
  }

  reverb(send, [left, right], { sampleRate: SAMPLE_RATE, size: comp.style.genre.space.size });
  const m = master([left, right], SAMPLE_RATE);
  return {
    channels: [left, right],
    loudnessLufs: m.loudnessLufs,
    peakDbfs: m.peakDbfs,
    limiterDb: m.limiterDb,
    rawLufs: m.rawLufs,
    distinctNotes: groups.size,
    notes,
  };
}
