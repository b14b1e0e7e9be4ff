// MPEG audio Layer III frame headers (ISO 11172-3 and 13818-3), read in one place for every MP3
// this server handles. scanFrames reads leniently: audio from providers may be MPEG-2 or 2.5,
// carry ID3 tags at either end or junk after the last frame. parseMp3 is the strict check on the
// same frames, for MP3s this server encodes and cuts itself.

const BITRATES_V1 = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 0];
const BITRATES_V2 = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160, 0];
// By the header's version bits: 3 is MPEG-1, 2 MPEG-2, 0 MPEG-2.5 (1 is reserved).
const MPEG1 = 3;
const RATES: Record<number, number[]> = {
  3: [44100, 48000, 32000],
  2: [22050, 24000, 16000],
  0: [11025, 12000, 8000],
};

/** Samples in an MPEG-1 Layer III frame (MPEG-2 and 2.5 frames hold half as many). */
export const MPEG1_SAMPLES_PER_FRAME = 1152;

// How far past a tag a first frame is looked for; a valid file has it at once.
const MAX_LEADING_JUNK = 64 * 1024;

export interface Frame {
  offset: number;
  length: number;
  /** kbit/s. */
  bitrate: number;
  channels: number;
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

export interface Mp3Info {
  frames: Frame[];
  sampleRate: number;
  channels: number;
  /** Bytes of ID3v2 tag before the first frame. */
  tagBytes: number;
  durationSec: number;
}

interface Header {
  version: number;
  isLayer3: boolean;
  /** kbit/s; 0 for a free or bad bitrate index. */
  bitrate: number;
  /** 0 for a reserved rate or version. */
  sampleRate: number;
  length: number;
  isProtected: boolean;
  channels: number;
}

/**
 * The header at `pos` when a frame sync starts there, read as it stands: whether it names a
 * Layer III frame with a usable bitrate and sample rate is for isAudio to say.
 */
function readHeader(buf: Uint8Array, pos: number): Header | undefined {
  if (pos + 4 > buf.length || buf[pos] !== 0xff || (buf[pos + 1]! & 0xe0) !== 0xe0)
    return undefined;
  const b1 = buf[pos + 1]!;
  const b2 = buf[pos + 2]!;
  const version = (b1 >> 3) & 3;
  const bitrate = (version === MPEG1 ? BITRATES_V1 : BITRATES_V2)[(b2 >> 4) & 15]!;
  const sampleRate = RATES[version]?.[(b2 >> 2) & 3] ?? 0;
  const padding = (b2 >> 1) & 1;
  const length = sampleRate
    ? Math.floor(((version === MPEG1 ? 144_000 : 72_000) * bitrate) / sampleRate) + padding
    : 0;
  return {
    version,
    isLayer3: ((b1 >> 1) & 3) === 1,
    bitrate,
    sampleRate,
    length,
    isProtected: (b1 & 1) === 0,
    channels: ((buf[pos + 3]! >> 6) & 3) === 3 ? 1 : 2,
  };
}

const isAudio = (h: Header) => h.version !== 1 && h.isLayer3 && h.bitrate > 0 && h.sampleRate > 0;

function audioHeader(buf: Uint8Array, pos: number): Header | undefined {
  const h = readHeader(buf, pos);
  return h && isAudio(h) ? h : undefined;
}

/** The frames from `start` on, while each is whole and in the version and rate of `first`. */
function frameRun(buf: Uint8Array, start: number, first: Header): { frames: Frame[]; end: number } {
  const frames: Frame[] = [];
  let pos = start;
  for (;;) {
    const h = audioHeader(buf, pos);
    if (
      !h ||
      h.version !== first.version ||
      h.sampleRate !== first.sampleRate ||
      pos + h.length > buf.length
    )
      break;
    const side = pos + 4 + (h.isProtected ? 2 : 0);
    const mainDataBegin =
      h.version === MPEG1 ? ((buf[side]! << 1) | (buf[side + 1]! >> 7)) & 0x1ff : buf[side]!;
    frames.push({
      offset: pos,
      length: h.length,
      bitrate: h.bitrate,
      channels: h.channels,
      mainDataBegin,
      isProtected: h.isProtected,
    });
    pos += h.length;
  }
  return { frames, end: pos };
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
    const h = audioHeader(buf, pos);
    if (!h) continue;
    const next = audioHeader(buf, pos + h.length);
    if (
      pos + h.length === buf.length ||
      (next && next.version === h.version && next.sampleRate === h.sampleRate)
    ) {
      first = h;
      break;
    }
  }
  if (!first) return undefined;
  const { frames, end } = frameRun(buf, pos, first);
  return {
    frames,
    sampleRate: first.sampleRate,
    samplesPerFrame: first.version === MPEG1 ? MPEG1_SAMPLES_PER_FRAME : 576,
    isMpeg1: first.version === MPEG1,
    start: pos,
    end,
  };
}

/**
 * MPEG-1 Layer III frames from right after the ID3v2 tag to the end of the data, in one sample
 * rate and channel mode. Throws, naming the byte, if the stream is not such a contiguous run,
 * which is the check a player would fail on.
 */
export function parseMp3(buf: Uint8Array): Mp3Info {
  const tagBytes = id3v2Length(buf);
  const first = audioHeader(buf, tagBytes);
  if (first && first.version !== MPEG1) throw new Error(`not MPEG-1 Layer III at byte ${tagBytes}`);
  const { frames, end } = first ? frameRun(buf, tagBytes, first) : { frames: [], end: tagBytes };
  const changed = first && frames.find((f) => f.channels !== first.channels);
  if (changed) throw new Error(`format changes at byte ${changed.offset}`);
  // What stops the run short of the end (fewer than 4 bytes left are no header to read).
  if (end + 4 <= buf.length) throw new Error(`${whyNoFrame(buf, end, first)} at byte ${end}`);
  if (!first || frames.length === 0) throw new Error('no MP3 frames');
  return {
    frames,
    sampleRate: first.sampleRate,
    channels: first.channels,
    tagBytes,
    durationSec: (frames.length * MPEG1_SAMPLES_PER_FRAME) / first.sampleRate,
  };
}

/** Why no frame of the run that began with `first` stands at `pos`. */
function whyNoFrame(buf: Uint8Array, pos: number, first: Header | undefined): string {
  const h = readHeader(buf, pos);
  if (!h) return 'lost frame sync';
  if (h.version !== MPEG1 || !h.isLayer3) return 'not MPEG-1 Layer III';
  if (!h.bitrate || !h.sampleRate) return 'bad bitrate or sample rate';
  if (first && (h.sampleRate !== first.sampleRate || h.channels !== first.channels))
    return 'format changes';
  return 'truncated frame';
}
