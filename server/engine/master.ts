// The master bus: DC blocking, fades, loudness to -14 LUFS and peaks held under the true-peak
// ceiling. Normalising and then trimming for peaks leaves loud, dense takes (rock, EDM) 1-2 LU
// short of the target, so the gain and the limiter's ceiling are found together: each pass
// limits the untouched mix afresh, measures loudness and true peak, and corrects both, until the
// take is within 0.25 LU of the target and under the ceiling (one to three passes in practice).

import { detectPeaks, limit, type Channels } from './limiter.ts';
import { measureLoudness, toDb, truePeak } from './loudness.ts';
import { Workspace } from './workspace.ts';

export const TARGET_LUFS = -14;
/** Loudness the passes aim for; takes land within this of the target. */
const LOUDNESS_TOLERANCE_LU = 0.25;
/**
 * EBU R 128 and the streaming services ask for at most -1 dBTP. The master is held 0.5 dB under
 * that so the decoded MP3, whose coding noise adds to the peaks, stays under it too.
 */
export const MAX_TRUE_PEAK_DB = -1.5;
/**
 * The limiter's detector sees most inter-sample peaks, not all: its first ceiling leaves 0.3 dB
 * for the rest (measured overshoot 0.05-0.25 dB), and later passes lower it if that was short.
 */
const FIRST_CEILING_DB = MAX_TRUE_PEAK_DB - 0.3;
const MAX_PASSES = 8;
const FADE_IN_SEC = 0.01;
const FADE_OUT_SEC = 3;

export interface Mastered {
  /** Integrated loudness after mastering (LUFS). */
  loudnessLufs: number;
  /** True peak after mastering (dBTP). */
  peakDbfs: number;
  /** Deepest gain reduction the limiter applied (dB). */
  limiterDb: number;
  /** Loudness of the mix as it came in: how far the master had to move it. */
  rawLufs: number;
}

/** Masters the channels in place; `work` holds the copy of the mix the passes start from. */
export function master(
  channels: Channels,
  sampleRate: number,
  work: Workspace = new Workspace(),
): Mastered {
  for (const x of channels) dcBlock(x, sampleRate);
  fades(channels, sampleRate);
  const loudness = () => measureLoudness(channels, sampleRate).integrated;
  const rawLufs = loudness();
  if (!Number.isFinite(rawLufs)) {
    return { loudnessLufs: rawLufs, peakDbfs: toDb(truePeak(channels)), limiterDb: 0, rawLufs };
  }

  const n = channels[0].length;
  const source = channels.map((x, c) => {
    const copy = work.take(c === 0 ? 'sourceLeft' : 'sourceRight', n);
    copy.set(x);
    return copy;
  });
  const peaks = detectPeaks(source, work.take('peaks', n));
  let gainDb = TARGET_LUFS - rawLufs;
  let ceilingDb = FIRST_CEILING_DB;
  let limiterDb = 0;
  let lufs = rawLufs;
  let peakDb = Infinity;
  let previous: { gainDb: number; lufs: number } | null = null;
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    if (pass > 0) channels.forEach((x, c) => x.set(source[c] as Float32Array));
    limiterDb = limit(
      channels,
      10 ** (gainDb / 20),
      { sampleRate, ceiling: 10 ** (ceilingDb / 20) },
      peaks,
    );
    lufs = loudness();
    peakDb = toDb(truePeak(channels));
    const isLoudEnough = Math.abs(lufs - TARGET_LUFS) <= LOUDNESS_TOLERANCE_LU;
    if (isLoudEnough && peakDb <= MAX_TRUE_PEAK_DB) break;
    if (peakDb > MAX_TRUE_PEAK_DB) ceilingDb -= peakDb - MAX_TRUE_PEAK_DB + 0.02;
    // Under heavy limiting a dB more gain gives less than a dB more loudness: step by the slope
    // the last two passes showed (a secant step), kept between a plain step and ten times it.
    let slope = 1;
    if (previous && Math.abs(gainDb - previous.gainDb) > 1e-3) {
      slope = (lufs - previous.lufs) / (gainDb - previous.gainDb);
      slope = Math.min(1, Math.max(0.1, slope));
    }
    previous = { gainDb, lufs };
    gainDb += (TARGET_LUFS - lufs) / slope;
  }
  if (peakDb > MAX_TRUE_PEAK_DB) {
    // Out of passes (never seen in practice): peaks matter more than the last tenths of a LU.
    const trim = 10 ** ((MAX_TRUE_PEAK_DB - peakDb) / 20);
    for (const x of channels) for (let i = 0; i < x.length; i++) x[i] = (x[i] as number) * trim;
    peakDb = toDb(truePeak(channels));
    lufs = loudness();
  }
  return { loudnessLufs: lufs, peakDbfs: peakDb, limiterDb, rawLufs };
}

function dcBlock(x: Float32Array, sampleRate: number): void {
  const r = 1 - (2 * Math.PI * 12) / sampleRate;
  let prevIn = 0;
  let prevOut = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i] as number;
    const y = v - prevIn + r * prevOut;
    prevIn = v;
    prevOut = y;
    x[i] = y;
  }
}

/** 10 ms in, 3 s out on a squared-cosine curve over the ring-out tail. */
function fades(channels: readonly Float32Array[], sampleRate: number): void {
  for (const x of channels) {
    const n = x.length;
    const fin = Math.min(n, Math.round(FADE_IN_SEC * sampleRate));
    for (let i = 0; i < fin; i++) x[i] = (x[i] as number) * (i / fin);
    const fout = Math.min(n, Math.round(FADE_OUT_SEC * sampleRate));
    for (let i = 0; i < fout; i++) {
      const g = Math.cos(((i / fout) * Math.PI) / 2);
      const j = n - fout + i;
      x[j] = (x[j] as number) * g * g;
    }
  }
}
