import { describe, expect, it } from 'vitest';
import { imageTypeOf, isJpeg, isMp3, isPng, isWav } from '../../server/media/sniff.ts';
import { encodeMp3 } from '../helpers/mp3.ts';

const HTML = Buffer.from(
  '<!doctype html><html><head><title>Index of /</title></head><body><h1>It works</h1></body></html>\n'.repeat(
    40,
  ),
);

function tone(seconds: number, rate = 32_000): Float32Array {
  const pcm = new Float32Array(rate * seconds);
  for (let i = 0; i < pcm.length; i++) pcm[i] = 0.25 * Math.sin((2 * Math.PI * 330 * i) / rate);
  return pcm;
}

const MP3 = encodeMp3([tone(2)], 32_000, 64);
const TAGGED_MP3 = encodeMp3([tone(2)], 32_000, 64, 'Lisbon Nights');
const MPEG2_MP3 = encodeMp3([tone(2, 22_050)], 22_050, 64);
// 64 kbit/s at 32 kHz, MPEG-1: 144 000 × 64 / 32 000 bytes a frame.
const FRAME = 288;

function wav(opts: { format?: number; withData?: boolean; listFirst?: boolean } = {}): Buffer {
  const fmt = Buffer.alloc(24);
  fmt.write('fmt ', 0, 'ascii');
  fmt.writeUInt32LE(16, 4);
  fmt.writeUInt16LE(opts.format ?? 1, 8);
  fmt.writeUInt16LE(2, 10);
  fmt.writeUInt32LE(44_100, 12);
  fmt.writeUInt32LE(44_100 * 4, 16);
  fmt.writeUInt16LE(4, 20);
  fmt.writeUInt16LE(16, 22);
  const list = Buffer.concat([
    Buffer.from('LIST'),
    Buffer.from([5, 0, 0, 0]),
    Buffer.from('INFO!\0'),
  ]);
  const samples = Buffer.alloc(4000, 7);
  const data = Buffer.alloc(8);
  data.write('data', 0, 'ascii');
  data.writeUInt32LE(samples.length, 4);
  const body = Buffer.concat([
    ...(opts.listFirst ? [list] : []),
    fmt,
    ...(opts.withData === false ? [] : [data, samples]),
  ]);
  const head = Buffer.alloc(12);
  head.write('RIFF', 0, 'ascii');
  head.writeUInt32LE(4 + body.length, 4);
  head.write('WAVE', 8, 'ascii');
  return Buffer.concat([head, body]);
}

// 4x4 baseline and progressive JPEGs written by libjpeg-turbo's cjpeg.
const JPEG = Buffer.from(
  '/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkSEw8UHRofHh0aHBwgJC4nICIsIxwcKDcpLDAxNDQ0Hyc5PTgyPC4zNDL/2wBDAQkJCQwLDBgNDRgyIRwhMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjL/wAARCAAEAAQDASIAAhEBAxEB/8QAHwAAAQUBAQEBAQEAAAAAAAAAAAECAwQFBgcICQoL/8QAtRAAAgEDAwIEAwUFBAQAAAF9AQIDAAQRBRIhMUEGE1FhByJxFDKBkaEII0KxwRVS0fAkM2JyggkKFhcYGRolJicoKSo0NTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqDhIWGh4iJipKTlJWWl5iZmqKjpKWmp6ipqrKztLW2t7i5usLDxMXGx8jJytLT1NXW19jZ2uHi4+Tl5ufo6erx8vP09fb3+Pn6/8QAHwEAAwEBAQEBAQEBAQAAAAAAAAECAwQFBgcICQoL/8QAtREAAgECBAQDBAcFBAQAAQJ3AAECAxEEBSExBhJBUQdhcRMiMoEIFEKRobHBCSMzUvAVYnLRChYkNOEl8RcYGRomJygpKjU2Nzg5OkNERUZHSElKU1RVVldYWVpjZGVmZ2hpanN0dXZ3eHl6goOEhYaHiImKkpOUlZaXmJmaoqOkpaanqKmqsrO0tba3uLm6wsPExcbHyMnK0tPU1dbX2Nna4uPk5ebn6Onq8vP09fb3+Pn6/9oADAMBAAIRAxEAPwDnaKKKk/RD/9k=',
  'base64',
);
const PROGRESSIVE_JPEG = Buffer.from(
  '/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkSEw8UHRofHh0aHBwgJC4nICIsIxwcKDcpLDAxNDQ0Hyc5PTgyPC4zNDL/2wBDAQkJCQwLDBgNDRgyIRwhMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjL/wgARCAAEAAQDASIAAhEBAxEB/8QAFQABAQAAAAAAAAAAAAAAAAAAAAX/xAAVAQEBAAAAAAAAAAAAAAAAAAABBv/aAAwDAQACEAMQAAABnAov/8QAFBABAAAAAAAAAAAAAAAAAAAAAP/aAAgBAQABBQJ//8QAFBEBAAAAAAAAAAAAAAAAAAAAAP/aAAgBAwEBPwF//8QAFBEBAAAAAAAAAAAAAAAAAAAAAP/aAAgBAgEBPwF//8QAFBABAAAAAAAAAAAAAAAAAAAAAP/aAAgBAQAGPwJ//8QAFBABAAAAAAAAAAAAAAAAAAAAAP/aAAgBAQABPyF//9oADAMBAAIAAwAAABAD/8QAFBEBAAAAAAAAAAAAAAAAAAAAAP/aAAgBAwEBPxB//8QAFBEBAAAAAAAAAAAAAAAAAAAAAP/aAAgBAgEBPxB//8QAFBABAAAAAAAAAAAAAAAAAAAAAP/aAAgBAQABPxB//9k=',
  'base64',
);
// The 1x1 PNG the MusicGPT stand-in serves as an album cover.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

describe('isMp3', () => {
  it('accepts MPEG-1 and MPEG-2 Layer III audio, with or without an ID3v2 tag', () => {
    expect(isMp3(MP3)).toBe(true);
    expect(isMp3(TAGGED_MP3)).toBe(true);
    expect(isMp3(MPEG2_MP3)).toBe(true);
  });

  it('accepts zero padding after the tag and an ID3v1 tag at the end', () => {
    const tag = TAGGED_MP3.subarray(0, TAGGED_MP3.length - MP3.length);
    expect(tag.subarray(0, 3).toString()).toBe('ID3');
    const id3v1 = Buffer.concat([Buffer.from('TAG'), Buffer.alloc(125, 0x20)]);
    expect(isMp3(Buffer.concat([tag, Buffer.alloc(512), MP3, id3v1]))).toBe(true);
  });

  it.each([
    ['an HTML page', HTML],
    ['a JSON error', Buffer.from('{"message":"Access Denied","code":"AccessDenied"}')],
    ['an empty body', Buffer.alloc(0)],
    ['random bytes', Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 251))],
    ['HTML in front of real frames', Buffer.concat([HTML, MP3])],
    ['an ID3 tag around HTML', Buffer.concat([TAGGED_MP3.subarray(0, 10 + 40), HTML])],
    ['a handful of frames', MP3.subarray(0, 5 * FRAME)],
    [
      'real frames followed by a larger HTML page',
      Buffer.concat([MP3.subarray(0, 10 * FRAME), HTML, HTML]),
    ],
    ['a WAV', wav()],
    ['a PNG', PNG],
  ])('refuses %s', (_name, bytes) => expect(isMp3(bytes)).toBe(false));
});

describe('isWav', () => {
  it('accepts RIFF/WAVE with fmt and data chunks, other chunks in between too', () => {
    expect(isWav(wav())).toBe(true);
    expect(isWav(wav({ listFirst: true }))).toBe(true);
    expect(isWav(wav({ format: 3 }))).toBe(true);
  });

  it.each([
    ['an HTML page', HTML],
    ['a RIFF that is not WAVE', Buffer.concat([Buffer.from('RIFF\0\0\0\0AVI '), HTML])],
    ['a WAV with no data chunk', wav({ withData: false })],
    ['a WAV in an unknown format', wav({ format: 0x55 })],
    ['an MP3', MP3],
  ])('refuses %s', (_name, bytes) => expect(isWav(bytes)).toBe(false));
});

describe('covers', () => {
  it('accepts JPEG (baseline and progressive) and PNG', () => {
    expect(isJpeg(JPEG)).toBe(true);
    expect(isJpeg(PROGRESSIVE_JPEG)).toBe(true);
    expect(isPng(PNG)).toBe(true);
    expect(imageTypeOf(JPEG)).toBe('image/jpeg');
    expect(imageTypeOf(PNG)).toBe('image/png');
  });

  it.each([
    ['an HTML page', HTML],
    [
      'an SVG (it can carry script)',
      Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
    ],
    ['a JPEG start followed by HTML', Buffer.concat([JPEG.subarray(0, 2), HTML])],
    ['a truncated JPEG', JPEG.subarray(0, 300)],
    [
      'a PNG with a broken checksum',
      Buffer.concat([PNG.subarray(0, 30), Buffer.from([0]), PNG.subarray(31)]),
    ],
    ['a PNG signature followed by HTML', Buffer.concat([PNG.subarray(0, 8), HTML])],
    ['a truncated PNG', PNG.subarray(0, PNG.length - 12)],
    ['an MP3', MP3],
  ])('refuses %s', (_name, bytes) => expect(imageTypeOf(bytes)).toBeUndefined());
});
