// From score to finished stereo master: every note rendered once per distinct sound and placed
// on its exact sample, each part panned, a shared stereo reverb, then the master bus (master.ts).

import type { Composition } from './composer.ts';
import { master } from './master.ts';
import { Rng } from './random.ts';
import type { Workspace } from './workspace.ts';
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

/** Samples mixed at a time: small enough that a part's block stays in the CPU's cache. */
const MIX_BLOCK = 4096;

interface Sound {
  left: Float32Array;
  right: Float32Array | null;
  length: number;
}

/** One note in place: its rendering, where it starts and ends in the song, and its gain. */
interface Placed {
  at: number;
  end: number;
  gain: number;
  sound: Sound;
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

/**
 * Renders and masters a composition to a stereo master, in buffers from `work`: the master is
 * valid until the workspace is handed back.
 */
export async function renderMix(comp: Composition, work: Workspace): Promise<Mix> {
  const bank = await loadSoundFont();
  const total = Math.round(comp.durationSec * SAMPLE_RATE);

  const setups: ChannelSetup[] = comp.parts.map((p) => ({
    channel: CHANNEL[p.id],
    program: p.instrument.program,
    kit: p.instrument.kit === true,
  }));
  const synth = new NoteSynth(bank, setups);
  await synth.ready;
  // Taken after the last await, so the buffers are this render's alone from here to the end.
  const left = work.take('left', total);
  const right = work.take('right', total);
  const send = work.take('send', total);
  const { groups, notes } = collect(comp, total);

  // Each part is mixed a block at a time: its notes are added into a small scratch block,
  // which is then panned and sent to the reverb. The block stays in cache, so the song-length
  // buffers are touched once per part instead of three times (add, pan, clear).
  const blockL = new Float32Array(MIX_BLOCK);
  const blockR = new Float32Array(MIX_BLOCK);
  for (const part of comp.parts) {
    const mine = [...groups.values()].filter((g) => g.part === part);
    if (mine.length === 0) continue;
    // Render each distinct note once, then lay all of the part's notes down in time order.
    const sounds: Sound[] = mine.map((g) => {
      const r = synth.render(g.req);
      return { left: r.left.slice(), right: r.mono ? null : r.right.slice(), length: r.length };
    });
    // Most parts are mono samples at centre pan; a right channel is only mixed when one of
    // the part's sounds has its own.
    const stereo = sounds.some((snd) => snd.right !== null);
    const order: Placed[] = [];
    mine.forEach((g, sound) => {
      const snd = sounds[sound] as Sound;
      for (let k = 0; k < g.at.length; k++) {
        const at = g.at[k] as number;
        const end = Math.min(total, at + snd.length);
        if (end > at) order.push({ at, end, gain: g.gain[k] as number, sound: snd });
      }
    });
    order.sort((a, b) => a.at - b.at);
    const level = Math.pow(10, part.db / 20);
    const angle = ((part.pan + 1) * Math.PI) / 4;
    const gl = Math.cos(angle) * Math.SQRT2 * level;
    const gr = Math.sin(angle) * Math.SQRT2 * level;
    const sl = part.send * level * 0.5;
    let active: Placed[] = [];
    let blockFrom = 0;
    let next = 0;
    while (next < order.length || active.length > 0) {
      // Where nothing of the part is sounding, jump to the block of its next note.
      const nextAt = (order[next] as Placed | undefined)?.at ?? blockFrom;
      const b0 = active.length > 0 ? blockFrom : nextAt - (nextAt % MIX_BLOCK);
      const b1 = Math.min(total, b0 + MIX_BLOCK);
      while (next < order.length && (order[next] as Placed).at < b1)
        active.push(order[next++] as Placed);
      const len = b1 - b0;
      blockL.fill(0, 0, len);
      if (stereo) blockR.fill(0, 0, len);
      const still: Placed[] = [];
      for (const p of active) {
        const from = Math.max(p.at, b0);
        const to = Math.min(p.end, b1);
        const gain = p.gain;
        const srcL = p.sound.left;
        const shift = p.at - b0;
        for (let j = from - b0; j < to - b0; j++)
          blockL[j] = (blockL[j] as number) + (srcL[j - shift] as number) * gain;
        if (stereo) {
          const srcR = p.sound.right ?? srcL;
          for (let j = from - b0; j < to - b0; j++)
            blockR[j] = (blockR[j] as number) + (srcR[j - shift] as number) * gain;
        }
        if (p.end > b1) still.push(p);
      }
      active = still;
      const srcR = stereo ? blockR : blockL;
      for (let j = 0; j < len; j++) {
        const l = blockL[j] as number;
        const r = srcR[j] as number;
        const at = b0 + j;
        left[at] = (left[at] as number) + l * gl;
        right[at] = (right[at] as number) + r * gr;
        send[at] = (send[at] as number) + (l + r) * sl;
      }
      blockFrom = b1;
    }
  }

  reverb(send, [left, right], { sampleRate: SAMPLE_RATE, size: comp.style.genre.space.size });
  const m = master([left, right], SAMPLE_RATE, work);
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
