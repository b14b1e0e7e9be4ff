// MPEG audio Layer III frame headers (ISO 11172-3 and 13818-3), read leniently: audio from
// providers may be MPEG-2 or 2.5, carry ID3 tags at either end or junk after the last frame.

const BITRATES_V1 = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 0];
const BITRATES_V2 = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160, 0];
const RATES: Record<number, number[]> = {
  3: [44100, 48000, 32000],
  2: [22050, 24000, 16000],
  0: [11025, 12000, 8000],
};

// How far past a tag a first frame is looked for; a valid file has it at once.
const MAX_LEADING_JUNK = 64 * 1024;

export interface Frame {
  offset: number;
  length: number;
  /** Bytes borrowed from earlier frames (MPEG-1 only; 0 means the frame stands alone). */
  mainDataBegin: number;
  isProtected: boolean;
}

export interface FrameScan {
  frames: Frame[];
  sampleRate: number;
  samplesPerFrame: number;
  isMpeg1: boolean;
  /** Byte range of the contiguous frames. */
  start: number;
  end: number;
}

interface Header {
  version: number;
  sampleRate: number;
  length: number;
  isProtected: boolean;
}

function header(buf: Uint8Array, pos: number): Header | undefined {
  if (pos + 4 > buf.length || buf[pos] !== 0xff || (buf[pos + 1]! & 0xe0) !== 0xe0)
    return undefined;
  const b1 = buf[pos + 1]!;
  const b2 = buf[pos + 2]!;
  const version = (b1 >> 3) & 3;
  if (version === 1 || ((b1 >> 1) & 3) !== 1) return undefined;
  const kbps = (version === 3 ? BITRATES_V1 : BITRATES_V2)[(b2 >> 4) & 15]!;
  const sampleRate = RATES[version]![(b2 >> 2) & 3];
  if (!kbps || !sampleRate) return undefined;
  const padding = (b2 >> 1) & 1;
  const length = Math.floor(((version === 3 ? 144_000 : 72_000) * kbps) / sampleRate) + padding;
  return { version, sampleRate, length, isProtected: (b1 & 1) === 0 };
}

/** Bytes of the ID3v2 tag at the start of `buf` (footer included), 0 when there is none. */
export function id3v2Length(buf: Uint8Array): number {
  if (buf.length < 10 || buf[0] !== 0x49 || buf[1] !== 0x44 || buf[2] !== 0x33) return 0;
  const size =
    ((buf[6]! & 0x7f) << 21) |
    ((buf[7]! & 0x7f) << 14) |
    ((buf[8]! & 0x7f) << 7) |
    (buf[9]! & 0x7f);
  return 10 + size + (buf[5]! & 0x10 ? 10 : 0);
}

/**
 * The longest run of Layer III frames in one format, starting at the first frame whose successor
 * also parses (so a stray 0xFF in a tag is not taken for audio). Undefined when there is none.
 */
export function scanFrames(buf: Uint8Array): FrameScan | undefined {
  let pos = id3v2Length(buf);
  const limit = Math.min(buf.length, pos + MAX_LEADING_JUNK);
  let first: Header | undefined;
  for (; pos < limit; pos++) {
    const h = header(buf, pos);
    if (!h) continue;
    const next = header(buf, pos + h.length);
    if (
      pos + h.length === buf.length ||
      (next && next.version === h.version && next.sampleRate === h.sampleRate)
    ) {
      first = h;
      break;
    }
  }
  if (!first) return undefined;
  const start = pos;
  const frames: Frame[] = [];
  for (;;) {
    const h = header(buf, pos);
    if (
      !h ||
      h.version !== first.version ||
      h.sampleRate !== first.sampleRate ||
      pos + h.length > buf.length
    )
      break;
    const side = pos + 4 + (h.isProtected ? 2 : 0);
    const mainDataBegin =
      h.version === 3 ? ((buf[side]! << 1) | (buf[side + 1]! >> 7)) & 0x1ff : buf[side]!;
    frames.push({ offset: pos, length: h.length, mainDataBegin, isProtected: h.isProtected });
    pos += h.length;
  }
  return {
    frames,
    sampleRate: first.sampleRate,
    samplesPerFrame: first.version === 3 ? 1152 : 576,
    isMpeg1: first.version === 3,
    start,
    end: pos,
  };
}
