// MP3 encoding (LAME via @breezystack/lamejs), a frame parser, and preview cutting.
//
// lamejs encodes with the bit reservoir disabled, so every frame carries its own audio data.
// That lets the 30-second preview be cut from the full take's frames without encoding again,
// and faded by lowering each granule's global_gain (1.5 dB per step), the same lossless trick
// mp3gain uses. Encoding is the costliest stage after synthesis, so this halves its share.

import { Mp3Encoder } from '@breezystack/lamejs';

export const MP3_KBPS = 128;

const BITRATES_V1_L3 = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 0];
const SAMPLE_RATES_V1 = [44100, 48000, 32000, 0];
const SAMPLES_PER_FRAME = 1152;

export interface Mp3Frame {
  offset: number;
  length: number;
  bitrate: number;
  channels: number;
  protected: boolean;
  mainDataBegin: number;
}

export interface Mp3Info {
  frames: Mp3Frame[];
  sampleRate: number;
  channels: number;
  /** Bytes of ID3v2 tag before the first frame. */
  tagBytes: number;
  durationSec: number;
}

/** Float samples to MP3. Channels: one (mono) or two (stereo). */
export function encodeMp3(
  channels: readonly Float32Array[],
  sampleRate: number,
  kbps = MP3_KBPS,
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
  const block = SAMPLES_PER_FRAME * 16;
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

/**
 * A minimal ID3v2.3 tag with the title, so a downloaded file shows its name. Version 2.3 with
 * Latin-1 or UTF-16 text is what the widest range of players and decoders read without fuss.
 */
export function id3Tag(title: string): Uint8Array {
  const frame = (id: string, text: string) => {
    const latin = /^[\u0000-\u00ff]*$/.test(text);
    const encoded = latin
      ? Buffer.from(text, 'latin1')
      : Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const body = Buffer.concat([Buffer.from([latin ? 0 : 1]), encoded]);
    const head = Buffer.alloc(10);
    head.write(id, 0, 'latin1');
    head.writeUInt32BE(body.length, 4);
    return Buffer.concat([head, body]);
  };
  const frames = Buffer.concat([
    frame('TIT2', title.slice(0, 200)),
    frame('TSSE', 'Refrain built-in engine'),
  ]);
  const header = Buffer.alloc(10);
  header.write('ID3', 0, 'latin1');
  header[3] = 3;
  writeSyncsafe(header, 6, frames.length);
  return Buffer.concat([header, frames]);
}

function writeSyncsafe(buf: Buffer, at: number, value: number): void {
  buf[at] = (value >> 21) & 0x7f;
  buf[at + 1] = (value >> 14) & 0x7f;
  buf[at + 2] = (value >> 7) & 0x7f;
  buf[at + 3] = value & 0x7f;
}

function tagLength(buf: Uint8Array): number {
  if (buf.length >= 10 && buf[0] === 0x49 && buf[1] === 0x44 && buf[2] === 0x33) {
    const size =
      (((buf[6] as number) & 0x7f) << 21) |
      (((buf[7] as number) & 0x7f) << 14) |
      (((buf[8] as number) & 0x7f) << 7) |
      ((buf[9] as number) & 0x7f);
    const footer = (buf[5] as number) & 0x10 ? 10 : 0;
    return 10 + size + footer;
  }
  return 0;
}

/**
 * Walks MPEG-1 Layer III frames from the first header to the end of the data. Throws if the
 * stream is not a contiguous run of valid frames, which is the check a player would fail on.
 */
export function parseMp3(buf: Uint8Array): Mp3Info {
  const tagBytes = tagLength(buf);
  const frames: Mp3Frame[] = [];
  let pos = tagBytes;
  let sampleRate = 0;
  let channels = 0;
  while (pos + 4 <= buf.length) {
    const b1 = buf[pos + 1] as number;
    const b2 = buf[pos + 2] as number;
    const b3 = buf[pos + 3] as number;
    if (buf[pos] !== 0xff || (b1 & 0xe0) !== 0xe0)
      throw new Error(`lost frame sync at byte ${pos}`);
    const version = (b1 >> 3) & 3;
    const layer = (b1 >> 1) & 3;
    if (version !== 3 || layer !== 1) throw new Error(`not MPEG-1 Layer III at byte ${pos}`);
    const isProtected = (b1 & 1) === 0;
    const bitrate = BITRATES_V1_L3[(b2 >> 4) & 15] as number;
    const rate = SAMPLE_RATES_V1[(b2 >> 2) & 3] as number;
    if (!bitrate || !rate) throw new Error(`bad bitrate or sample rate at byte ${pos}`);
    const padding = (b2 >> 1) & 1;
    const mode = (b3 >> 6) & 3;
    const ch = mode === 3 ? 1 : 2;
    if (sampleRate && (rate !== sampleRate || ch !== channels))
      throw new Error(`format changes at byte ${pos}`);
    sampleRate = rate;
    channels = ch;
    const length = Math.floor((144000 * bitrate) / rate) + padding;
    if (pos + length > buf.length) throw new Error(`truncated frame at byte ${pos}`);
    const side = pos + 4 + (isProtected ? 2 : 0);
    const mainDataBegin = (((buf[side] as number) << 1) | ((buf[side + 1] as number) >> 7)) & 0x1ff;
    frames.push({
      offset: pos,
      length,
      bitrate,
      channels: ch,
      protected: isProtected,
      mainDataBegin,
    });
    pos += length;
  }
  if (frames.length === 0) throw new Error('no MP3 frames');
  return {
    frames,
    sampleRate,
    channels,
    tagBytes,
    durationSec: (frames.length * SAMPLES_PER_FRAME) / sampleRate,
  };
}

function readBits(buf: Uint8Array, bit: number, count: number): number {
  let v = 0;
  for (let i = 0; i < count; i++) {
    const b = bit + i;
    v = (v << 1) | (((buf[b >> 3] as number) >> (7 - (b & 7))) & 1);
  }
  return v;
}

function writeBits(buf: Uint8Array, bit: number, count: number, value: number): void {
  for (let i = 0; i < count; i++) {
    const b = bit + i;
    const mask = 1 << (7 - (b & 7));
    const on = (value >> (count - 1 - i)) & 1;
    buf[b >> 3] = on ? (buf[b >> 3] as number) | mask : (buf[b >> 3] as number) & ~mask;
  }
}

/** Lowers every granule's global_gain in a frame by `steps` (1.5 dB each), in place. */
function attenuateFrame(buf: Uint8Array, frame: Mp3Frame, steps: number): void {
  if (steps <= 0) return;
  const sideBit = (frame.offset + 4 + (frame.protected ? 2 : 0)) * 8;
  const granulesAt = sideBit + (frame.channels === 1 ? 18 : 20);
  for (let gr = 0; gr < 2; gr++) {
    for (let ch = 0; ch < frame.channels; ch++) {
      const at = granulesAt + (gr * frame.channels + ch) * 59 + 21;
      const gain = readBits(buf, at, 8);
      writeBits(buf, at, 8, Math.max(0, gain - steps));
    }
  }
}

export interface PreviewOptions {
  startSec: number;
  lengthSec: number;
  fadeInSec: number;
  fadeOutSec: number;
  title?: string;
}

/** Cuts a faded excerpt out of an encoded take, frame-exact, without re-encoding. */
export function cutPreview(
  full: Uint8Array,
  o: PreviewOptions,
): { mp3: Buffer; durationSec: number } {
  const info = parseMp3(full);
  const frameSec = SAMPLES_PER_FRAME / info.sampleRate;
  const total = info.frames.length;
  const count = Math.min(total, Math.max(1, Math.round(o.lengthSec / frameSec)));
  const first = Math.max(0, Math.min(total - count, Math.round(o.startSec / frameSec)));
  const picked = info.frames.slice(first, first + count);
  if (picked.some((f) => f.protected)) throw new Error('CRC-protected frames cannot be re-gained');
  if ((picked[0]?.mainDataBegin ?? 0) !== 0)
    throw new Error('first preview frame depends on the bit reservoir');

  const bytes = picked.reduce((a, f) => a + f.length, 0);
  const body = new Uint8Array(bytes);
  const moved: Mp3Frame[] = [];
  let at = 0;
  for (const f of picked) {
    body.set(full.subarray(f.offset, f.offset + f.length), at);
    moved.push({ ...f, offset: at });
    at += f.length;
  }
  // Fades in dB: a frame's gain drops in 1.5 dB steps; -90 dB is silence for this material.
  const fadeInFrames = first === 0 ? 0 : Math.max(1, Math.round(o.fadeInSec / frameSec));
  const fadeOutFrames = Math.min(count, Math.max(1, Math.round(o.fadeOutSec / frameSec)));
  moved.forEach((f, i) => {
    let db = 0;
    if (i < fadeInFrames) db = Math.max(db, curveDb((i + 0.5) / fadeInFrames));
    const fromEnd = count - i;
    if (fromEnd <= fadeOutFrames) db = Math.max(db, curveDb((fromEnd - 0.5) / fadeOutFrames));
    attenuateFrame(body, f, Math.round(db / 1.5));
  });
  const tag = o.title ? id3Tag(o.title) : new Uint8Array(0);
  return { mp3: Buffer.concat([tag, body]), durationSec: count * frameSec };
}

/** Attenuation for a fade position (0 silent .. 1 full), following a squared-sine gain curve. */
function curveDb(position: number): number {
  const p = Math.min(1, Math.max(0, position));
  const g = Math.sin((p * Math.PI) / 2) ** 2;
  return g <= 1e-4 ? 90 : Math.min(90, -20 * Math.log10(g));
}
