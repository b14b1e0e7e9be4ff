// MP3 encoding with LAME compiled to WebAssembly (server/media/mp3/lame/): joint stereo, the bit
// reservoir, and its algorithm quality chosen here. Because frames borrow bits from earlier ones,
// an excerpt is encoded on its own rather than cut from a take's frames (preview.ts keeps
// cutting for downloaded takes, whose source PCM is gone).

import { readFile } from 'node:fs/promises';
import { id3Tag } from './id3.ts';
import { MPEG1_SAMPLES_PER_FRAME } from './frames.ts';

/**
 * 192 kbit/s CBR joint stereo. A song is a gift: around 192 kbit/s is the widely held threshold
 * of transparency for LAME, while at 128 it low-passes at about 17 kHz and cymbals and strings
 * are where coding artefacts are commonly heard. CBR keeps the size predictable (1.4 MB a
 * minute) and, with no Xing header written, lets players work out length and seek positions.
 */
export const MP3_KBPS = 192;

/**
 * LAME's algorithm quality (0 best … 9 fastest; its own default is 3). At 7 LAME still uses its
 * psychoacoustic model for pre-echo and mid/side decisions but skips noise shaping, which at
 * 192 kbit/s has bits to spare: measured on built-in masters, 1.8× the speed of quality 3 with
 * equal or better segmental signal-to-noise (docs/engine.md, "Encoding").
 */
export const MP3_QUALITY = 7;

export type Mp3Bitrate = 32 | 40 | 48 | 64 | 80 | 96 | 112 | 128 | 160 | 192 | 224 | 256 | 320;

export interface Mp3Options {
  sampleRate: 32000 | 44100 | 48000;
  kbps?: Mp3Bitrate;
  /** LAME's algorithm quality, 0–9; MP3_QUALITY unless a caller needs another. */
  quality?: number;
  title?: string;
}

/** The functions lame/bridge.c exports, and the allocator they share. */
interface Lame {
  memory: WebAssembly.Memory;
  _initialize(): void;
  malloc(bytes: number): number;
  free(ptr: number): void;
  mp3_open(channels: number, sampleRate: number, kbps: number, quality: number): number;
  mp3_encode(h: number, left: number, right: number, n: number, out: number, size: number): number;
  mp3_flush(h: number, out: number, size: number): number;
  mp3_close(h: number): void;
}

// Built with STANDALONE_WASM: it imports a handful of WASI calls that only its error printing
// and exit paths reach. None of them may touch this process, so each is a harmless stub.
const IMPORTS = {
  env: { emscripten_notify_memory_growth: () => undefined },
  wasi_snapshot_preview1: {
    proc_exit: (code: number) => {
      throw new Error(`LAME exited (${code})`);
    },
    fd_close: () => 0,
    fd_write: () => 0,
    fd_seek: () => 0,
  },
};

// Compiling the WebAssembly takes tens of milliseconds, so each thread (the API thread or a
// render worker) compiles it once and reuses the instance. Reuse is safe because an encode runs
// from open to close without yielding.
let loaded: Promise<Lame> | undefined;

/** The thread's encoder, compiled on first use; a failed compile is retried next time. */
export function loadMp3Encoder(): Promise<Lame> {
  loaded ??= (async () => {
    const bytes = await readFile(new URL('./lame/lame.wasm', import.meta.url));
    const { instance } = await WebAssembly.instantiate(bytes, IMPORTS);
    const lame = instance.exports as unknown as Lame;
    lame._initialize();
    return lame;
  })().catch((err: unknown) => {
    loaded = undefined;
    throw err;
  });
  return loaded;
}

/** Samples handed to LAME at a time: 64 frames. */
const BLOCK = MPEG1_SAMPLES_PER_FRAME * 64;
/** LAME's own bound on the output of one call: 1.25 × samples + 7,200 bytes. */
const OUT_BYTES = Math.ceil(1.25 * BLOCK) + 7200;

/** Float samples (one or two channels, -1..1) to a constant-bitrate MPEG-1 Layer III file. */
export async function encodeMp3(channels: readonly Float32Array[], o: Mp3Options): Promise<Buffer> {
  const [left, right] = channels;
  if (!left || channels.length > 2) throw new Error('MP3 takes one or two channels');
  const lame = await loadMp3Encoder();
  const quality = o.quality ?? MP3_QUALITY;
  const h = lame.mp3_open(right ? 2 : 1, o.sampleRate, o.kbps ?? MP3_KBPS, quality);
  if (!h) throw new Error(`LAME refused ${o.kbps ?? MP3_KBPS} kbit/s at ${o.sampleRate} Hz`);
  const inL = lame.malloc(BLOCK * 4);
  const inR = right ? lame.malloc(BLOCK * 4) : 0;
  const out = lame.malloc(OUT_BYTES);
  try {
    if (!inL || (right && !inR) || !out) throw new Error('LAME is out of memory');
    const chunks: Uint8Array[] = o.title ? [id3Tag(o.title)] : [];
    // Views are made after every call into LAME: memory growth detaches the old buffer.
    const take = (n: number) => {
      if (n < 0) throw new Error(`LAME failed to encode (${n})`);
      if (n > 0) chunks.push(new Uint8Array(lame.memory.buffer, out, n).slice());
    };
    for (let i = 0; i < left.length; i += BLOCK) {
      const end = Math.min(left.length, i + BLOCK);
      const heap = new Float32Array(lame.memory.buffer);
      heap.set(left.subarray(i, end), inL >> 2);
      if (right) heap.set(right.subarray(i, end), inR >> 2);
      take(lame.mp3_encode(h, inL, inR, end - i, out, OUT_BYTES));
    }
    take(lame.mp3_flush(h, out, OUT_BYTES));
    return Buffer.concat(chunks);
  } finally {
    lame.mp3_close(h);
    lame.free(inL);
    if (inR) lame.free(inR);
    lame.free(out);
  }
}
