import { MPEGDecoder } from 'mpg123-decoder';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bandProfile, estimateTempo, stereoImage } from '../../server/engine/analysis.ts';
import { compose } from '../../server/engine/composer.ts';
import { type RenderedTake } from '../../server/engine/index.ts';
import { limit } from '../../server/engine/limiter.ts';
import { kWeighting, measureLoudness, toDb, truePeak } from '../../server/engine/loudness.ts';
import { encodeMp3 } from '../helpers/mp3.ts';
import { parseMp3 } from '../../server/media/mp3/frames.ts';
import { cutPreview } from '../../server/media/mp3/preview.ts';
import { renderTake, type RenderStats } from '../../server/engine/render.ts';
import { PRESETS, sampleSpec } from '../../server/engine/samples.ts';

const SR = 44100;
// Renders take seconds of CPU each and share two cores with the other test files.
const SLOW = 150_000;
const decoder = new MPEGDecoder();

async function decode(mp3: Uint8Array): Promise<Float32Array[]> {
  await decoder.reset();
  const out = decoder.decode(mp3);
  expect(out.errors).toEqual([]);
  expect(out.sampleRate).toBe(SR);
  return out.channelData.map((c) => c.slice(0, out.samplesDecoded));
}

/** What a mono listener (or a tempo tracker) hears: the average of the two channels. */
function midOf([left, right]: Float32Array[]): Float32Array {
  const mid = new Float32Array(left!.length);
  for (let i = 0; i < mid.length; i++) mid[i] = (left![i]! + right![i]!) / 2;
  return mid;
}

/** The header's channel mode: 0 stereo, 1 joint stereo, 2 dual channel, 3 mono. */
function channelModes(mp3: Buffer): Set<number> {
  return new Set(parseMp3(mp3).frames.map((f) => mp3[f.offset + 3]! >> 6));
}

/** The ID3v2 title, for the Latin-1 titles the tests use. */
function titleOf(mp3: Buffer): string {
  const at = mp3.indexOf('TIT2', 10, 'latin1');
  const size = mp3.readUInt32BE(at + 4);
  return mp3.subarray(at + 11, at + 10 + size).toString('latin1');
}

function rms(x: Float32Array, from: number, to: number): number {
  let sum = 0;
  for (let i = from; i < to; i++) sum += x[i]! * x[i]!;
  return Math.sqrt(sum / Math.max(1, to - from));
}

function sine(freq: number, amp: number, seconds: number, rate = SR, phase = 0): Float32Array {
  const x = new Float32Array(Math.round(seconds * rate));
  for (let i = 0; i < x.length; i++) x[i] = amp * Math.sin((2 * Math.PI * freq * i) / rate + phase);
  return x;
}

beforeAll(async () => {
  await decoder.ready;
});

afterAll(() => {
  decoder.free();
});

describe('engine measurement', () => {
  it('uses the BS.1770 K-weighting filter', () => {
    // The recommendation publishes the coefficients at 48 kHz.
    const [shelf, highpass] = kWeighting(48000);
    expect(shelf.b0).toBeCloseTo(1.53512485958697, 8);
    expect(shelf.b1).toBeCloseTo(-2.69169618940638, 8);
    expect(shelf.b2).toBeCloseTo(1.19839281085285, 8);
    expect(shelf.a1).toBeCloseTo(-1.69065929318241, 8);
    expect(shelf.a2).toBeCloseTo(0.73248077421585, 8);
    expect(highpass.a1).toBeCloseTo(-1.99004745483398, 8);
    expect(highpass.a2).toBeCloseTo(0.99007225036621, 8);
  });

  it('measures integrated loudness with gating', () => {
    // A 997 Hz tone at -20 dBFS in both channels reads -20 LUFS.
    for (const rate of [44100, 48000]) {
      const tone = sine(997, 0.1, 5, rate);
      expect(measureLoudness([tone, tone], rate).integrated).toBeCloseTo(-20, 1);
    }
    // A quiet half 30 dB down falls under the relative gate and does not drag the level down.
    const loud = sine(997, 0.1, 6);
    const quiet = sine(997, 0.1 * 10 ** (-30 / 20), 6);
    const both = new Float32Array(loud.length + quiet.length);
    both.set(loud);
    both.set(quiet, loud.length);
    // (Blocks straddling the step still count, so it lands a little under -20.)
    expect(Math.abs(measureLoudness([both, both], SR).integrated - -20)).toBeLessThan(0.2);
    expect(measureLoudness([new Float32Array(SR * 2)], SR).integrated).toBe(-Infinity);
  });

  it('finds peaks between samples', () => {
    // A quarter-rate sine sampled 45 degrees off its crests: samples reach 0.707, the wave 1.0.
    const x = sine(SR / 4, 1, 0.5, SR, Math.PI / 4);
    let samplePeak = 0;
    for (const v of x) samplePeak = Math.max(samplePeak, Math.abs(v));
    expect(samplePeak).toBeCloseTo(Math.SQRT1_2, 3);
    expect(toDb(truePeak([x]))).toBeGreaterThan(-0.3);
  });

  it('limits peaks without clipping', () => {
    const x = sine(220, 0.3, 2);
    for (let i = 0; i < x.length; i += 4410) x[i] = 1.5; // sharp spikes far over full scale
    const reduction = limit([x], 2, { sampleRate: SR, ceiling: 10 ** (-1.5 / 20) });
    let peak = 0;
    for (const v of x) peak = Math.max(peak, Math.abs(v));
    expect(toDb(peak)).toBeLessThanOrEqual(-1.5 + 1e-6);
    expect(reduction).toBeGreaterThan(10);
    // Away from the spikes the gain comes back: the tone keeps most of its level.
    expect(rms(x, 2000, 4000)).toBeGreaterThan(0.3 * 2 * 0.5 * 0.7);
  });

  it('cuts a faded preview from encoded frames', async () => {
    const tone = sine(440, 0.5, 8);
    const mp3 = encodeMp3([tone], SR, 128, 'tone');
    const info = parseMp3(mp3);
    expect(info.sampleRate).toBe(SR);
    expect(info.channels).toBe(1);
    expect(info.frames.every((f) => f.bitrate === 128 && f.mainDataBegin === 0)).toBe(true);
    expect(info.durationSec).toBeGreaterThan(8);
    expect(info.durationSec).toBeLessThan(8.1);

    const preview = cutPreview(mp3, { startSec: 2, lengthSec: 4, fadeInSec: 0.5, fadeOutSec: 1.5 });
    expect(preview.durationSec).toBeCloseTo(4, 1);
    const [pcm] = await decode(preview.mp3);
    const n = pcm!.length;
    const middle = rms(pcm!, Math.round(n * 0.4), Math.round(n * 0.6));
    expect(middle).toBeGreaterThan(0.3);
    expect(rms(pcm!, n - Math.round(0.1 * SR), n)).toBeLessThan(middle * 0.05);
    expect(rms(pcm!, 0, Math.round(0.05 * SR))).toBeLessThan(middle * 0.2);
    expect(() => parseMp3(Buffer.from('not an mp3 at all'))).toThrow();
  });
});

describe('engine render', () => {
  const spec = sampleSpec();
  let full: RenderedTake & { stats: RenderStats };
  let pcm: Float32Array[];

  beforeAll(async () => {
    full = await renderTake(spec);
    pcm = await decode(full.mp3);
  }, SLOW);

  it('renders a full take of the stated length as a joint-stereo MP3', () => {
    expect(full.durationSec).toBeGreaterThanOrEqual(110);
    expect(full.durationSec).toBeLessThanOrEqual(190);
    expect(Math.abs(full.durationSec - 150)).toBeLessThan(150 * 0.15);
    const info = parseMp3(full.mp3);
    expect(info.sampleRate).toBe(SR);
    expect(info.channels).toBe(2);
    expect(channelModes(full.mp3)).toEqual(new Set([1]));
    expect(new Set(info.frames.map((f) => f.bitrate))).toEqual(new Set([192]));
    // The encoder's delay and last partial frame add at most two frames.
    expect(info.durationSec - full.durationSec).toBeGreaterThanOrEqual(0);
    expect(info.durationSec - full.durationSec).toBeLessThan(0.06);
    expect(pcm).toHaveLength(2);
    expect(Math.abs(pcm[0]!.length / SR - info.durationSec)).toBeLessThan(0.001);
    expect(titleOf(full.mp3)).toBe('Ten Years');
  });

  it('is mastered to -14 LUFS under -1 dBTP, as encoded and as decoded', () => {
    expect(Math.abs(full.loudnessLufs - -14)).toBeLessThan(0.5);
    expect(full.peakDbfs).toBeLessThanOrEqual(-1.5);
    expect(Math.abs(measureLoudness(pcm, SR).integrated - -14)).toBeLessThan(1);
    expect(toDb(truePeak(pcm))).toBeLessThanOrEqual(-1);
    // It is music, not silence padded to length: the level holds through the song.
    const blocks = measureLoudness(pcm, SR).blocks;
    const loudBlocks = blocks.filter((l) => l > -30).length;
    expect(loudBlocks / blocks.length).toBeGreaterThan(0.85);
  });

  it('is stereo: wide, but not out of phase', () => {
    const image = stereoImage(pcm[0]!, pcm[1]!);
    // Mono would be -Infinity; panned parts and the reverb put the side 8-16 dB under the mid.
    expect(image.sideToMidDb).toBeGreaterThan(-20);
    expect(image.sideToMidDb).toBeLessThan(-4);
    expect(image.correlation).toBeGreaterThan(0.5);
  });

  it('encodes a 30 second preview of its own from one bar before the first chorus', async () => {
    const planned = compose(spec).previewStartSec;
    expect(planned).toBeGreaterThan(0);
    expect(full.stats.previewStartSec).toBeCloseTo(planned, 3);
    expect(Math.abs(full.previewDurationSec - 30)).toBeLessThan(1);
    const info = parseMp3(full.previewMp3);
    expect(info.channels).toBe(2);
    expect(Math.abs(info.durationSec - full.previewDurationSec)).toBeLessThan(0.06);
    expect(titleOf(full.previewMp3)).toBe('Ten Years (preview)');

    const p = await decode(full.previewMp3);
    const n = p[0]!.length;
    const body = rms(p[0]!, Math.round(n * 0.3), Math.round(n * 0.7));
    expect(body).toBeGreaterThan(0.05);
    // Faded in over 0.5 s and out over 3 s.
    expect(rms(p[0]!, 0, Math.round(0.05 * SR))).toBeLessThan(body * 0.2);
    expect(rms(p[0]!, n - Math.round(0.25 * SR), n)).toBeLessThan(body * 0.05);
    // Away from the fades it is the take from the planned start, sample for sample.
    const at = Math.round(full.stats.previewStartSec * SR);
    const from = Math.round(10 * SR);
    let dot = 0;
    let pp = 0;
    let tt = 0;
    for (let i = from; i < from + SR; i++) {
      const a = p[0]![i]!;
      const b = pcm[0]![at + i]!;
      dot += a * b;
      pp += a * a;
      tt += b * b;
    }
    expect(dot / Math.sqrt(pp * tt)).toBeGreaterThan(0.98);
  });
});

describe('engine variations', () => {
  // Length does not change what is compared here, so these takes are cut to about 25 s.
  const short = { minSec: 20, maxSec: 30 };
  const takes: { plan: RenderedTake['plan']; pcm: Float32Array; mp3: Buffer; preview: Buffer }[] =
    [];

  beforeAll(async () => {
    for (const preset of PRESETS) {
      const take = await renderTake(sampleSpec({ preset, durationSec: 25 }), short);
      const mid = midOf(await decode(take.mp3));
      takes.push({ plan: take.plan, pcm: mid, mp3: take.mp3, preview: take.previewMp3 });
    }
  }, SLOW);

  it('differ in the tempo heard in the audio', () => {
    const heard = takes.map((t) => estimateTempo(t.pcm, SR));
    takes.forEach((t, i) => {
      const pulse = t.plan.metre === '6/8' ? t.plan.bpm * 1.5 : t.plan.bpm;
      // The beat found in the audio is the planned pulse (or its double or half).
      const error = Math.min(...[0.5, 1, 2].map((k) => Math.abs(heard[i]! / (pulse * k) - 1)));
      expect(error, `${t.plan.bpm} bpm ${t.plan.metre}, heard ${heard[i]}`).toBeLessThan(0.04);
    });
    for (let i = 0; i < 3; i++) {
      for (let j = i + 1; j < 3; j++) {
        const ratio = Math.max(heard[i]!, heard[j]!) / Math.min(heard[i]!, heard[j]!);
        expect(ratio).toBeGreaterThan(1.06);
      }
    }
  });

  it('differ in harmony, instruments and sound', () => {
    const profiles = takes.map((t) => bandProfile(t.pcm, SR));
    for (let i = 0; i < 3; i++) {
      for (let j = i + 1; j < 3; j++) {
        expect(takes[i]!.plan.progression).not.toEqual(takes[j]!.plan.progression);
        expect(new Set(takes[i]!.plan.instruments)).not.toEqual(
          new Set(takes[j]!.plan.instruments),
        );
        const diff =
          profiles[i]!.reduce((acc, v, k) => acc + Math.abs(v - profiles[j]![k]!), 0) /
          profiles[i]!.length;
        expect(diff, `spectral difference ${i}/${j}`).toBeGreaterThan(1.5);
      }
    }
  });

  it('gives byte-identical files for the same seed', { timeout: SLOW }, async () => {
    const again = await renderTake(sampleSpec({ preset: PRESETS[0], durationSec: 25 }), short);
    expect(again.mp3.equals(takes[0]!.mp3)).toBe(true);
    expect(again.previewMp3.equals(takes[0]!.preview)).toBe(true);
    expect(again.plan).toEqual(takes[0]!.plan);
  });

  it('makes take 2 a different arrangement of the same song', { timeout: SLOW }, async () => {
    // Take 1 of this song is the romantic render above; its seed is `sample-slot:1`.
    const one = { plan: takes[0]!.plan, mp3: takes[0]!.mp3 };
    const two = await renderTake(
      sampleSpec({ preset: PRESETS[0], seed: 'sample-slot:2', take: 2, durationSec: 25 }),
      short,
    );
    expect(two.plan.bpm).toBe(one.plan.bpm);
    expect(two.plan.key).toBe(one.plan.key);
    expect(two.plan.instruments).not.toEqual(one.plan.instruments);
    expect(two.mp3.equals(one.mp3)).toBe(false);
    const pa = bandProfile(midOf(await decode(one.mp3)), SR);
    const pb = bandProfile(midOf(await decode(two.mp3)), SR);
    const diff = pa.reduce((acc, v, k) => acc + Math.abs(v - pb[k]!), 0) / pa.length;
    expect(diff).toBeGreaterThan(0.5);
  });
});
