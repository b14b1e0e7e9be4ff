// MP3 encoding (LAME via @breezystack/lamejs) and the ID3 tag that names a file. lamejs encodes
// with the bit reservoir disabled, so every frame carries its own audio data: previews are cut
// from these frames without encoding again (preview.ts).

import { Mp3Encoder } from '@breezystack/lamejs';
import { MPEG1_SAMPLES_PER_FRAME } from './frames.ts';

export const MP3_KBPS = 128;

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
