// MP3 fixtures, encoded synchronously by the JavaScript LAME port (@breezystack/lamejs). It never
// uses the bit reservoir, so every frame stands alone: the frame cutter's tests need exactly
// that, and the stored hashes of these fixtures pin its output. The product encodes with
// server/media/mp3/encode.ts.

import { Mp3Encoder } from '@breezystack/lamejs';
import { MPEG1_SAMPLES_PER_FRAME } from '../../server/media/mp3/frames.ts';
import { id3Tag } from '../../server/media/mp3/id3.ts';

/** Float samples to a reservoir-free MP3. Channels: one (mono) or two (stereo). */
export function encodeMp3(
  channels: readonly Float32Array[],
  sampleRate: number,
  kbps = 128,
  title?: string,
): Buffer {
  const n = channels[0]?.length ?? 0;
  const pcm = channels.map((c) => {
    const out = new Int16Array(n);
    for (let i = 0; i < n; i++) {
      const v = Math.round((c[i] as number) * 32767);
      out[i] = v > 32767 ? 32767 : v < -32768 ? -32768 : v;
    }
    return out;
  });
  const encoder = new Mp3Encoder(pcm.length, sampleRate, kbps);
  const chunks: Uint8Array[] = title ? [id3Tag(title)] : [];
  const block = MPEG1_SAMPLES_PER_FRAME * 16;
  for (let i = 0; i < n; i += block) {
    const left = (pcm[0] as Int16Array).subarray(i, i + block);
    const out =
      pcm.length > 1
        ? encoder.encodeBuffer(left, (pcm[1] as Int16Array).subarray(i, i + block))
        : encoder.encodeBuffer(left);
    if (out.length > 0) chunks.push(new Uint8Array(out.buffer, out.byteOffset, out.length));
  }
  const tail = encoder.flush();
  if (tail.length > 0) chunks.push(new Uint8Array(tail.buffer, tail.byteOffset, tail.length));
  return Buffer.concat(chunks);
}
