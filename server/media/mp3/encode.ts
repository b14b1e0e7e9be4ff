// MP3 encoding with LAME compiled to WebAssembly (wasm-media-encoders): joint stereo, the bit
// reservoir, and about five times the speed of the JavaScript port for the same signal-to-noise.
// Because frames borrow bits from earlier ones, an excerpt is encoded on its own rather than cut
// from a take's frames (preview.ts keeps cutting for downloaded takes, whose source PCM is gone).

import { createMp3Encoder, type WasmMediaEncoder } from 'wasm-media-encoders';
import { id3Tag } from './id3.ts';
import { MPEG1_SAMPLES_PER_FRAME } from './frames.ts';

/**
 * 192 kbit/s CBR joint stereo. A song is a gift: around 192 kbit/s is the widely held threshold
 * of transparency for LAME, while at 128 it low-passes at about 17 kHz and cymbals and strings
 * are where coding artefacts are commonly heard. CBR keeps the size predictable (1.4 MB a
 * minute) and, with no Xing header written, lets players work out length and seek positions.
 */
export const MP3_KBPS = 192;

export type Mp3Bitrate = 32 | 40 | 48 | 64 | 80 | 96 | 112 | 128 | 160 | 192 | 224 | 256 | 320;

export interface Mp3Options {
  sampleRate: 32000 | 44100 | 48000;
  kbps?: Mp3Bitrate;
  title?: string;
}

// Compiling the WebAssembly is asynchronous and takes tens of milliseconds, so each thread
// (the API thread or a render worker) compiles it once and reuses the instance. Reuse is safe
// because an encode runs from configure() to finalize() without yielding.
let loaded: Promise<WasmMediaEncoder<'audio/mpeg'>> | undefined;

/** The thread's encoder, compiled on first use; a failed compile is retried next time. */
export function loadMp3Encoder(): Promise<WasmMediaEncoder<'audio/mpeg'>> {
  loaded ??= createMp3Encoder().catch((err: unknown) => {
    loaded = undefined;
    throw err;
  });
  return loaded;
}

/** Float samples (one or two channels, -1..1) to a constant-bitrate MPEG-1 Layer III file. */
export async function encodeMp3(channels: readonly Float32Array[], o: Mp3Options): Promise<Buffer> {
  const [left, right] = channels;
  if (!left || channels.length > 2) throw new Error('MP3 takes one or two channels');
  const encoder = await loadMp3Encoder();
  encoder.configure({
    channels: right ? 2 : 1,
    sampleRate: o.sampleRate,
    outputSampleRate: o.sampleRate,
    bitrate: o.kbps ?? MP3_KBPS,
  });
  const chunks: Uint8Array[] = o.title ? [id3Tag(o.title)] : [];
  // The encoder's output buffer is its own memory, reused by the next call: copy each chunk.
  const block = MPEG1_SAMPLES_PER_FRAME * 64;
  for (let i = 0; i < left.length; i += block) {
    const end = Math.min(left.length, i + block);
    const input = right ? [left.subarray(i, end), right.subarray(i, end)] : [left.subarray(i, end)];
    const out = encoder.encode(input);
    if (out.length > 0) chunks.push(out.slice());
  }
  const tail = encoder.finalize();
  if (tail.length > 0) chunks.push(tail.slice());
  return Buffer.concat(chunks);
}
