import { describe, expect, it } from 'vitest';
import { stereoImage } from '../../server/engine/analysis.ts';
import { measureLoudness, toDb, truePeak } from '../../server/engine/loudness.ts';
import { master } from '../../server/engine/master.ts';
import { renderTake } from '../../server/engine/render.ts';
import { sampleSpec } from '../../server/engine/samples.ts';
import type { SongSpec } from '../../server/engine/types.ts';
import { parseMp3 } from '../../server/media/mp3/frames.ts';
import { useMp3Decoder } from '../helpers/decode.ts';

const SR = 44100;
// Renders take seconds of CPU each and share two cores with the other test files.
const SLOW = 240_000;
const decode = useMp3Decoder();

/** A deterministic noise source, so the signals below are the same on every run. */
function noise(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  };
}

/**
 * A dense stereo signal with sharp hits on every beat: a distorted chord bed under kick-like
 * bursts far louder than it. Normalising it to -14 LUFS drives the hits well over full scale,
 * which is where trimming for true peak after limiting used to lose 1.2-3 LU.
 */
function denseMix(
  seconds: number,
  beatsPerSec: number,
  hitAmp: number,
  bedAmp: number,
): [Float32Array, Float32Array] {
  const n = Math.round(seconds * SR);
  const left = new Float32Array(n);
  const right = new Float32Array(n);
  const rnd = noise(7);
  const beat = Math.round(SR / beatsPerSec);
  for (let i = 0; i < n; i++) {
    const t = i / SR;
    const k = i % beat;
    const bed = Math.tanh(
      3 * (Math.sin(2 * Math.PI * 110 * t) + 0.7 * Math.sin(2 * Math.PI * 164.8 * t)),
    );
    const hit = Math.exp(-k / (0.02 * SR)) * (Math.sin((2 * Math.PI * 60 * k) / SR) + 0.5 * rnd());
    const hiss = 0.01 * rnd();
    left[i] = bedAmp * bed + hitAmp * hit + hiss;
    right[i] = bedAmp * Math.tanh(3 * Math.sin(2 * Math.PI * 146.8 * t)) + hitAmp * hit - hiss;
  }
  return [left, right];
}

describe('master bus', () => {
  it('reaches -14 LUFS under the true-peak ceiling on dense, loud material', () => {
    const cases = [
      { beats: 2, hit: 1, bed: 0.05 },
      { beats: 4, hit: 0.5, bed: 0.1 },
      { beats: 8, hit: 1, bed: 0.1 },
    ];
    for (const { beats, hit, bed } of cases) {
      const channels = denseMix(12, beats, hit, bed);
      const m = master(channels, SR);
      const lufs = measureLoudness(channels, SR).integrated;
      const peak = toDb(truePeak(channels));
      expect(Math.abs(lufs - -14), `${beats} hits/s: ${lufs} LUFS`).toBeLessThan(0.3);
      expect(peak, `${beats} hits/s`).toBeLessThanOrEqual(-1.5);
      expect(m.loudnessLufs).toBeCloseTo(lufs, 6);
      expect(m.peakDbfs).toBeCloseTo(peak, 6);
      // The hits really were pushed over the ceiling and held by the limiter.
      expect(m.limiterDb).toBeGreaterThan(3);
    }
  });

  it('only turns up a quiet, gentle mix', () => {
    const n = 10 * SR;
    const left = new Float32Array(n);
    for (let i = 0; i < n; i++) left[i] = 0.02 * Math.sin((2 * Math.PI * 440 * i) / SR);
    const right = left.slice();
    const m = master([left, right], SR);
    expect(m.rawLufs).toBeLessThan(-30);
    expect(Math.abs(m.loudnessLufs - -14)).toBeLessThan(0.3);
    expect(m.limiterDb).toBeLessThan(0.01);
  });
});

describe('takes across styles', () => {
  // Loud, dense styles and quiet, sparse ones, across the three presets and both takes. Length
  // does not change the mastering, so takes are cut to about 25 s to keep the file quick.
  const short = { minSec: 20, maxSec: 30 };
  const specs: Partial<SongSpec>[] = [
    { musicStyle: 'rock', preset: 'upbeat-playful', mood: 'energetic', seed: 'master-a:1' },
    {
      musicStyle: 'edm',
      preset: 'upbeat-playful',
      mood: 'excited',
      seed: 'master-b:2',
      take: 2,
      vocals: 'male',
    },
    { musicStyle: 'lullaby', preset: 'poetic-romantic', mood: 'tender', seed: 'master-c:1' },
    { musicStyle: 'jazz', preset: 'heartfelt-emotional', mood: 'nostalgic', seed: 'master-d:1' },
  ];

  it(
    'all land at -14 LUFS +-1 LU under -1 dBTP, decoded, in stereo',
    { timeout: SLOW },
    async () => {
      for (const overrides of specs) {
        const take = await renderTake(sampleSpec({ ...overrides, durationSec: 25 }), short);
        const label = `${overrides.musicStyle} ${overrides.preset}`;
        expect(Math.abs(take.loudnessLufs - -14), label).toBeLessThan(0.5);
        expect(take.peakDbfs, label).toBeLessThanOrEqual(-1.5);
        const info = parseMp3(take.mp3);
        expect(info.channels, label).toBe(2);
        expect(info.sampleRate, label).toBe(SR);
        const pcm = await decode(take.mp3);
        expect(Math.abs(measureLoudness(pcm, SR).integrated - -14), label).toBeLessThan(1);
        expect(toDb(truePeak(pcm)), label).toBeLessThanOrEqual(-1);
        const image = stereoImage(pcm[0]!, pcm[1]!);
        expect(image.sideToMidDb, label).toBeGreaterThan(-24);
        expect(image.correlation, label).toBeGreaterThan(0.5);
        const preview = await decode(take.previewMp3);
        expect(preview, label).toHaveLength(2);
        expect(Math.abs(preview[0]!.length / SR - take.previewDurationSec), label).toBeLessThan(
          0.06,
        );
      }
    },
  );
});
