import { describe, expect, it } from 'vitest';
import { encodeMp3, loadMp3Encoder } from '../../server/media/mp3/encode.ts';
import { parseMp3 } from '../../server/media/mp3/frames.ts';
import { useMp3Decoder } from '../helpers/decode.ts';

const SR = 44100;
const decode = useMp3Decoder();

/** A chord of harmonics with a little noise: busier than a tone, so quantisation has work. */
function music(seconds: number, root: number, seed: number): Float32Array {
  let s = seed >>> 0;
  const x = new Float32Array(Math.round(seconds * SR));
  for (let i = 0; i < x.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const t = i / SR;
    let v = 0;
    for (const [k, f] of [1, 1.25, 1.5, 2].entries())
      v += (0.16 / (k + 1)) * Math.sin(2 * Math.PI * root * f * t * (1 + 0.002 * Math.sin(t)));
    x[i] = v * (0.6 + 0.4 * Math.sin(2 * Math.PI * 2 * t)) + 0.002 * (s / 2 ** 31 - 1);
  }
  return x;
}

/**
 * The decoder's delay against the source: the lag with the least error. (Correlation would also
 * match a whole period of the chord late, as the sources are nearly periodic.)
 */
function lag(source: Float32Array, decoded: Float32Array): number {
  let best = Infinity;
  let at = 0;
  for (let d = 0; d < 3000; d++) {
    let e = 0;
    for (let i = SR; i < SR + 8192; i++)
      e += ((source[i] as number) - (decoded[i + d] as number)) ** 2;
    if (e < best) [best, at] = [e, d];
  }
  return at;
}

/** Signal to noise over 2,048-sample segments, averaged in dB (silent segments left out). */
function segmentalSnr(source: Float32Array, decoded: Float32Array): number {
  const d = lag(source, decoded);
  let sum = 0;
  let count = 0;
  for (let from = 0; from + 2048 < source.length - d; from += 2048) {
    let signal = 0;
    let noise = 0;
    for (let i = from; i < from + 2048; i++) {
      const x = source[i] as number;
      const e = x - (decoded[i + d] as number);
      signal += x * x;
      noise += e * e;
    }
    if (signal < 1e-3) continue;
    sum += 10 * Math.log10(signal / Math.max(noise, 1e-12));
    count++;
  }
  return sum / count;
}

describe('the MP3 encoder (LAME in WebAssembly)', () => {
  it('keeps left and right apart in joint stereo, at a clean signal to noise', async () => {
    const left = music(6, 220, 1);
    const right = music(6, 330, 2);
    const mp3 = await encodeMp3([left, right], { sampleRate: SR, kbps: 192, title: 'Two rooms' });
    const info = parseMp3(mp3);
    expect(info).toMatchObject({ sampleRate: SR, channels: 2 });
    const [l, r] = await decode(mp3);
    expect(segmentalSnr(left, l as Float32Array)).toBeGreaterThan(22);
    expect(segmentalSnr(right, r as Float32Array)).toBeGreaterThan(22);
    // Swapped or summed channels would score far below zero against the other source.
    expect(segmentalSnr(left, r as Float32Array)).toBeLessThan(3);
  });

  it('at the quality it uses, is no noisier than LAME’s default quality on the same input', async () => {
    const left = music(8, 196, 3);
    const right = music(8, 247, 4);
    const snr = async (quality: number) => {
      const [l, r] = await decode(await encodeMp3([left, right], { sampleRate: SR, quality }));
      return (segmentalSnr(left, l as Float32Array) + segmentalSnr(right, r as Float32Array)) / 2;
    };
    const fast = await snr(7);
    const careful = await snr(3);
    expect(fast).toBeGreaterThan(careful - 1);
  });

  it('encodes mono, and an empty input to a valid header-only file', async () => {
    const tone = music(2, 440, 5);
    const mono = await encodeMp3([tone], { sampleRate: 32000, kbps: 64 });
    expect(parseMp3(mono)).toMatchObject({ sampleRate: 32000, channels: 1 });
    const [decoded] = await decode(mono);
    expect(decoded!.length).toBeGreaterThanOrEqual(tone.length);
    const empty = await encodeMp3([new Float32Array(0)], { sampleRate: SR, title: 'Empty' });
    expect(empty.subarray(0, 3).toString('latin1')).toBe('ID3');
  });

  it('returns its memory after every file: twenty encodes leave the heap as one did', async () => {
    const left = music(3, 262, 6);
    const right = music(3, 392, 7);
    await encodeMp3([left, right], { sampleRate: SR });
    const lame = await loadMp3Encoder();
    const heap = lame.memory.buffer.byteLength;
    const first = await encodeMp3([left, right], { sampleRate: SR });
    for (let i = 0; i < 20; i++) {
      const again = await encodeMp3([left, right], { sampleRate: SR });
      expect(again.equals(first)).toBe(true);
    }
    expect(lame.memory.buffer.byteLength).toBe(heap);
  });

  it('refuses more than two channels in words', async () => {
    const x = new Float32Array(10);
    await expect(encodeMp3([x, x, x], { sampleRate: SR })).rejects.toThrow(/one or two channels/);
  });
});
