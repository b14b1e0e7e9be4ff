import { scanFrames } from '../../server/media/mp3/frames.ts';

// An MPEG transport stream (ISO 13818-1) carrying MP3 frames: what an HLS stream's `.ts` segments
// hold, so the MusicGPT stand-in's `streaming_url` plays in a browser's own HLS player. MusicGPT
// does not document its segments' format; TS is HLS's original and most widely played one.

const PACKET = 188;
const PMT_PID = 0x1000;
const AUDIO_PID = 0x0100;
// ISO 11172-3 (MPEG-1) audio, the stream type players map to MP3.
const STREAM_TYPE_MPEG1_AUDIO = 0x03;
const CLOCK_HZ = 90_000;

/** Splits an MP3 into TS segments of about `segmentSec` seconds each. */
export function mp3ToTsSegments(mp3: Buffer, segmentSec: number): { ts: Buffer; sec: number }[] {
  const scan = scanFrames(mp3);
  if (!scan) throw new Error('not an MP3');
  const frameSec = scan.samplesPerFrame / scan.sampleRate;
  const perSegment = Math.max(1, Math.round(segmentSec / frameSec));
  const segments: { ts: Buffer; sec: number }[] = [];
  const counters = new Map<number, number>();
  for (let first = 0; first < scan.frames.length; first += perSegment) {
    const frames = scan.frames.slice(first, first + perSegment);
    const packets = [psi(0, pat(), counters), psi(PMT_PID, pmt(), counters)];
    // A PES packet per ~16 frames keeps each under the 16-bit length and timestamps frequent.
    for (let i = 0; i < frames.length; i += 16) {
      const group = frames.slice(i, i + 16);
      const start = group[0]!.offset;
      const last = group[group.length - 1]!;
      const payload = mp3.subarray(start, last.offset + last.length);
      const pts = Math.round((first + i) * frameSec * CLOCK_HZ);
      packets.push(...pes(payload, pts, counters));
    }
    segments.push({ ts: Buffer.concat(packets), sec: frames.length * frameSec });
  }
  return segments;
}

function nextCounter(counters: Map<number, number>, pid: number): number {
  const c = counters.get(pid) ?? 0;
  counters.set(pid, (c + 1) & 15);
  return c;
}

function packetHeader(pid: number, start: boolean, counter: number, adaptation: boolean): Buffer {
  return Buffer.from([
    0x47,
    (start ? 0x40 : 0) | ((pid >> 8) & 0x1f),
    pid & 0xff,
    (adaptation ? 0x30 : 0x10) | counter,
  ]);
}

/** One packet holding a PSI section (PAT or PMT), padded with 0xff. */
function psi(pid: number, section: Buffer, counters: Map<number, number>): Buffer {
  const head = packetHeader(pid, true, nextCounter(counters, pid), false);
  const body = Buffer.concat([Buffer.from([0]), section]);
  return Buffer.concat([head, body, Buffer.alloc(PACKET - head.length - body.length, 0xff)]);
}

function section(tableId: number, idExt: number, data: Buffer): Buffer {
  const length = 5 + data.length + 4;
  const head = Buffer.from([
    tableId,
    0xb0 | ((length >> 8) & 0x0f),
    length & 0xff,
    (idExt >> 8) & 0xff,
    idExt & 0xff,
    0xc1,
    0,
    0,
  ]);
  const body = Buffer.concat([head, data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([body, crc]);
}

function pat(): Buffer {
  return section(0x00, 1, Buffer.from([0, 1, 0xe0 | (PMT_PID >> 8), PMT_PID & 0xff]));
}

function pmt(): Buffer {
  return section(
    0x02,
    1,
    Buffer.from([
      0xe0 | (AUDIO_PID >> 8),
      AUDIO_PID & 0xff,
      0xf0,
      0,
      STREAM_TYPE_MPEG1_AUDIO,
      0xe0 | (AUDIO_PID >> 8),
      AUDIO_PID & 0xff,
      0xf0,
      0,
    ]),
  );
}

/** A PES packet with a PTS, cut into TS packets; the last one is padded by its adaptation field. */
function pes(payload: Buffer, pts: number, counters: Map<number, number>): Buffer[] {
  const ptsBytes = Buffer.from([
    0x21 | ((Math.floor(pts / 2 ** 30) & 7) << 1),
    (pts >> 22) & 0xff,
    (((pts >> 15) & 0x7f) << 1) | 1,
    (pts >> 7) & 0xff,
    ((pts & 0x7f) << 1) | 1,
  ]);
  const header = Buffer.concat([
    Buffer.from([0, 0, 1, 0xc0]),
    u16(3 + ptsBytes.length + payload.length),
    Buffer.from([0x80, 0x80, ptsBytes.length]),
    ptsBytes,
  ]);
  const data = Buffer.concat([header, payload]);
  const packets: Buffer[] = [];
  for (let pos = 0; pos < data.length;) {
    const room = PACKET - 4;
    const left = data.length - pos;
    const counter = nextCounter(counters, AUDIO_PID);
    if (left >= room) {
      packets.push(
        Buffer.concat([
          packetHeader(AUDIO_PID, pos === 0, counter, false),
          data.subarray(pos, pos + room),
        ]),
      );
      pos += room;
      continue;
    }
    // Stuffing: an adaptation field fills what the payload leaves of the packet.
    const stuffing = room - left;
    const adaptation =
      stuffing === 1
        ? Buffer.from([0])
        : Buffer.concat([Buffer.from([stuffing - 1, 0]), Buffer.alloc(stuffing - 2, 0xff)]);
    packets.push(
      Buffer.concat([
        packetHeader(AUDIO_PID, pos === 0, counter, true),
        adaptation,
        data.subarray(pos),
      ]),
    );
    pos = data.length;
  }
  return packets;
}

function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
}

// CRC-32/MPEG-2: polynomial 0x04c11db7, no reflection, initial 0xffffffff, no final xor.
function crc32(data: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of data) {
    crc ^= byte << 24;
    for (let k = 0; k < 8; k++) crc = crc & 0x80000000 ? (crc << 1) ^ 0x04c11db7 : crc << 1;
  }
  return crc >>> 0;
}
