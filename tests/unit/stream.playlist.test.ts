import { describe, expect, it } from 'vitest';
import { rewritePlaylist } from '../../server/audio/stream.ts';
import { MediaRefused } from '../../server/media/address.ts';
import { segmentTypeOf } from '../../server/media/sniff.ts';
import { toneMp3 } from '../helpers/media.ts';
import { mp3ToTsSegments } from '../standins/mpegts.ts';

const BASE = 'https://cdn1.musicgpt.com/streams/abc/index.m3u8?token=1';
const here = (link: string) => `/p?u=${encodeURIComponent(link)}`;

describe('a live playlist, rewritten', () => {
  it('points every segment, key and map link back here, resolved against the playlist', () => {
    const text = [
      '\uFEFF#EXTM3U',
      '#EXT-X-TARGETDURATION:4',
      '#EXT-X-MAP:URI="init.mp4"',
      '#EXT-X-KEY:METHOD=AES-128,URI="/keys/1",IV=0x1',
      '#EXTINF:4.0,',
      'seg0.ts',
      '#EXTINF:4.0,',
      '  ../other/seg1.ts?x=1  ',
      '#EXTINF:4.0,',
      'https://cdn2.musicgpt.com/seg2.ts',
      '',
    ].join('\r\n');
    expect(rewritePlaylist(text, BASE, here).split('\n')).toEqual([
      '#EXTM3U',
      '#EXT-X-TARGETDURATION:4',
      `#EXT-X-MAP:URI="${here('https://cdn1.musicgpt.com/streams/abc/init.mp4')}"`,
      `#EXT-X-KEY:METHOD=AES-128,URI="${here('https://cdn1.musicgpt.com/keys/1')}",IV=0x1`,
      '#EXTINF:4.0,',
      here('https://cdn1.musicgpt.com/streams/abc/seg0.ts'),
      '#EXTINF:4.0,',
      here('https://cdn1.musicgpt.com/streams/other/seg1.ts?x=1'),
      '#EXTINF:4.0,',
      here('https://cdn2.musicgpt.com/seg2.ts'),
      '',
    ]);
  });

  it.each(['file:///etc/passwd', 'data:audio/mpeg;base64,AAAA', 'javascript:alert(1)'])(
    'refuses the whole playlist when a link is %s',
    (link) => {
      const text = `#EXTM3U\n#EXTINF:4,\nseg0.ts\n#EXTINF:4,\n${link}\n`;
      expect(() => rewritePlaylist(text, BASE, here)).toThrow(MediaRefused);
    },
  );
});

describe('what a segment holds', () => {
  it('tells MPEG-TS, fragmented MP4, ADTS and MP3 from a web page or JSON', () => {
    const [ts] = mp3ToTsSegments(toneMp3(2), 1);
    expect(segmentTypeOf(ts!.ts)).toBe('video/mp2t');
    const fmp4 = Buffer.concat([
      Buffer.from([0, 0, 0, 24]),
      Buffer.from('ftypiso6'),
      Buffer.alloc(16),
    ]);
    expect(segmentTypeOf(fmp4)).toBe('audio/mp4');
    expect(segmentTypeOf(Buffer.from([0xff, 0xf1, 0x50, 0x80, 0x02, 0x1f, 0xfc]))).toBe(
      'audio/aac',
    );
    expect(segmentTypeOf(toneMp3(1))).toBe('audio/mpeg');
    expect(segmentTypeOf(Buffer.from('<html><body>gone</body></html>'))).toBeUndefined();
    expect(segmentTypeOf(Buffer.from('{"error":"not found"}'))).toBeUndefined();
    // 188-byte chunks that do not start with the sync byte are no transport stream.
    expect(segmentTypeOf(Buffer.alloc(188 * 4, 0x20))).toBeUndefined();
  });
});
