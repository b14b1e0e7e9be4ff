import zlib from 'node:zlib';
import { id3v2Length, scanFrames } from './mp3/frames.ts';

// What a file really is, read from its bytes: a Content-Type header is whatever the sender wrote,
// so it decides nothing. Each check wants the structure a decoder would need, not just a magic
// number, so an HTML page or a JSON error never passes for media.

/** Fewer chained frames than this is not a song (8 frames are about 0.2 s). */
const MIN_MP3_FRAMES = 8;

/**
 * MPEG audio Layer III: after an optional ID3v2 tag (and zero padding), at least MIN_MP3_FRAMES
 * valid frame headers in one format whose lengths chain, covering at least half the file
 * (trailing ID3v1/APE tags and a little junk are fine).
 */
export function isMp3(buf: Uint8Array): boolean {
  const tag = id3v2Length(buf);
  if (tag >= buf.length) return false;
  let start = tag;
  while (start < buf.length && buf[start] === 0) start++;
  const scan = scanFrames(buf);
  if (!scan || scan.start !== start || scan.frames.length < MIN_MP3_FRAMES) return false;
  return scan.end - scan.start >= (buf.length - tag) / 2;
}

const ascii = (buf: Uint8Array, at: number, length = 4) =>
  Buffer.from(buf.buffer, buf.byteOffset + at, length).toString('latin1');

/**
 * RIFF/WAVE with a plausible `fmt ` chunk (PCM, float or extensible; 1–8 channels; 8–384 kHz) and
 * a `data` chunk after it. Reading the head of the file is enough: `data` comes before the samples.
 */
export function isWav(head: Uint8Array): boolean {
  if (head.length < 12 || ascii(head, 0) !== 'RIFF' || ascii(head, 8) !== 'WAVE') return false;
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  let hasFormat = false;
  for (let pos = 12; pos + 8 <= head.length;) {
    const id = ascii(head, pos);
    const size = view.getUint32(pos + 4, true);
    if (!/^[\x20-\x7e]{4}$/.test(id)) return false;
    if (id === 'fmt ') {
      if (size < 16 || pos + 24 > head.length) return false;
      const format = view.getUint16(pos + 8, true);
      const channels = view.getUint16(pos + 10, true);
      const rate = view.getUint32(pos + 12, true);
      const bits = view.getUint16(pos + 22, true);
      if (![1, 3, 0xfffe].includes(format)) return false;
      if (channels < 1 || channels > 8 || rate < 8000 || rate > 384_000) return false;
      if (![8, 16, 24, 32, 64].includes(bits)) return false;
      hasFormat = true;
    } else if (id === 'data') {
      return hasFormat && size > 0 && head.length > pos + 8;
    }
    pos += 8 + size + (size & 1);
  }
  return false;
}

// Start-of-frame markers (baseline, progressive, lossless, arithmetic); C4, C8 and CC are not.
const isStartOfFrame = (m: number) =>
  m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc;

/** JPEG: SOI, then length-chained marker segments with a frame header before the scan, and EOI. */
export function isJpeg(buf: Uint8Array): boolean {
  if (buf.length < 4 || buf[0] !== 0xff || buf[1] !== 0xd8) return false;
  let hasFrame = false;
  for (let pos = 2; pos + 4 <= buf.length;) {
    if (buf[pos] !== 0xff) return false;
    const marker = buf[pos + 1]!;
    if (marker === 0xff) {
      pos++; // fill byte
      continue;
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8) || marker === 0xd9) return false;
    const length = (buf[pos + 2]! << 8) | buf[pos + 3]!;
    if (length < 2 || pos + 2 + length > buf.length) return false;
    if (isStartOfFrame(marker)) {
      if (length < 8) return false;
      const width = (buf[pos + 7]! << 8) | buf[pos + 8]!;
      const components = buf[pos + 9]!;
      if (width === 0 || components === 0) return false;
      hasFrame = true;
    }
    if (marker === 0xda) {
      const end = buf.lastIndexOf(0xd9);
      return hasFrame && end > pos + 2 + length && buf[end - 1] === 0xff;
    }
    pos += 2 + length;
  }
  return false;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** PNG: signature, an IHDR first, chunks that chain with correct CRCs, image data and IEND. */
export function isPng(buf: Uint8Array): boolean {
  if (buf.length < 8 || PNG_SIGNATURE.some((b, i) => buf[i] !== b)) return false;
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let hasData = false;
  for (let pos = 8, first = true; pos + 12 <= buf.length; first = false) {
    const length = view.getUint32(pos);
    const type = ascii(buf, pos + 4);
    if (!/^[A-Za-z]{4}$/.test(type) || pos + 12 + length > buf.length) return false;
    const crc = view.getUint32(pos + 8 + length);
    if (zlib.crc32(buf.subarray(pos + 4, pos + 8 + length)) !== crc) return false;
    if (first) {
      if (type !== 'IHDR' || length !== 13) return false;
      if (view.getUint32(pos + 8) === 0 || view.getUint32(pos + 12) === 0) return false;
    }
    if (type === 'IDAT') hasData = true;
    if (type === 'IEND') return hasData;
    pos += 12 + length;
  }
  return false;
}

/** The type of an album cover we keep: JPEG or PNG, nothing else. */
export function imageTypeOf(buf: Uint8Array): 'image/jpeg' | 'image/png' | undefined {
  if (isJpeg(buf)) return 'image/jpeg';
  if (isPng(buf)) return 'image/png';
  return undefined;
}

/**
 * What an HLS segment holds, from its bytes: MPEG-TS (sync byte every 188 bytes), fragmented MP4
 * (a box this format starts with), ADTS AAC or MP3. A playlist is text and told apart by its
 * caller; anything else (an HTML page, a JSON error) is no segment.
 */
export function segmentTypeOf(
  buf: Uint8Array,
): 'video/mp2t' | 'audio/mp4' | 'audio/aac' | 'audio/mpeg' | undefined {
  const TS_PACKET = 188;
  if (buf.length >= TS_PACKET && buf.length % TS_PACKET === 0) {
    let synced = true;
    for (let at = 0; at < Math.min(buf.length, TS_PACKET * 8); at += TS_PACKET) {
      if (buf[at] !== 0x47) synced = false;
    }
    if (synced) return 'video/mp2t';
  }
  if (buf.length >= 8 && ['ftyp', 'styp', 'moof', 'sidx', 'emsg'].includes(ascii(buf, 4))) {
    return 'audio/mp4';
  }
  // ADTS: a 12-bit sync word, then MPEG version, layer 00.
  if (buf.length >= 7 && buf[0] === 0xff && (buf[1]! & 0xf6) === 0xf0) return 'audio/aac';
  if (isMp3(buf)) return 'audio/mpeg';
  return undefined;
}
