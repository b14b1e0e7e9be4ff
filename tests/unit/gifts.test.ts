import { describe, expect, it } from 'vitest';
import { GIFT_CODE_BYTES, isGiftCode, makeGiftCode } from '../../schema/gifts.ts';
import { OpArgs } from '../../schema/ops.ts';
import { coverPng, drawCover } from '../../server/gifts/cover.ts';
import { timedLines } from '../../server/gifts/lyrics.ts';
import { dedication, giftPage } from '../../server/gifts/page.ts';
import type { Gift } from '../../server/gifts/read.ts';

describe('gift codes', () => {
  it('carry 128 random bits as 22 base64url characters, never twice the same', () => {
    const codes = Array.from({ length: 2000 }, makeGiftCode);
    for (const code of codes) {
      expect(code).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect(isGiftCode(code)).toBe(true);
      expect(Buffer.from(code, 'base64url')).toHaveLength(GIFT_CODE_BYTES);
    }
    expect(new Set(codes).size).toBe(codes.length);
    // Every character position varies: no fixed prefix an attacker could lean on.
    for (let i = 0; i < 21; i++) expect(new Set(codes.map((c) => c[i])).size).toBeGreaterThan(40);
  });

  it('are refused when too short, too long or with characters outside base64url', () => {
    for (const bad of [
      '',
      'abc',
      'a'.repeat(21),
      'a'.repeat(44),
      `${'a'.repeat(21)}+`,
      `${'a'.repeat(21)}/`,
      `${'a'.repeat(21)}=`,
    ]) {
      expect(isGiftCode(bad)).toBe(false);
    }
    const args = {
      giftId: '0193f0b4-3c1a-7000-8000-000000000001',
      formId: '0193f0b4-3c1a-7000-8000-000000000002',
      code: 'short',
      allowDownload: false,
    };
    const parsed = OpArgs['gift.create'].safeParse(args);
    expect(parsed.success).toBe(false);
    expect(OpArgs['gift.create'].safeParse({ ...args, code: makeGiftCode() }).success).toBe(true);
    expect(
      OpArgs['gift.create'].safeParse({ ...args, code: makeGiftCode(), message: 'x'.repeat(601) })
        .success,
    ).toBe(false);
    expect(
      OpArgs['gift.create'].safeParse({ ...args, code: makeGiftCode(), revealAt: 'tomorrow' })
        .success,
    ).toBe(false);
  });
});

describe('timed lyrics for the gift page', () => {
  it("reads the built-in engine's lines (seconds) in order", () => {
    expect(
      timedLines([
        { section: 'verse 1', line: 'Second', startSec: 4.5 },
        { section: 'verse 1', line: 'First', startSec: 1 },
      ]),
    ).toEqual([
      { line: 'First', startSec: 1 },
      { line: 'Second', startSec: 4.5 },
    ]);
  });

  it("reads MusicGPT's lines (milliseconds, sent as a JSON string) without section labels", () => {
    const stored = JSON.stringify([
      { index: 0, text: '[Verse 1]', start: 0, end: 0 },
      { index: 1, text: 'We met at a bus stop', start: 1500, end: 3000 },
      { index: 2, text: 'in Lisbon', start: 3000, end: 4500 },
    ]);
    expect(timedLines(stored)).toEqual([
      { line: 'We met at a bus stop', startSec: 1.5 },
      { line: 'in Lisbon', startSec: 3 },
    ]);
  });

  it('gives nothing for shapes it does not know, so the page shows plain lyrics', () => {
    for (const odd of [null, 'not json', { lines: [] }, [1, 'two', { line: 3 }]]) {
      expect(timedLines(odd)).toEqual([]);
    }
  });
});

describe('the drawn cover', () => {
  it('is the same for the same song, differs between songs, and escapes the title', () => {
    const a = drawCover('Umbrella <Days> & "Nights"', 'romantic');
    expect(drawCover('Umbrella <Days> & "Nights"', 'romantic')).toBe(a);
    expect(drawCover('Another song', 'romantic')).not.toBe(a);
    expect(a).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(a).toContain('&lt;Days&gt;');
    expect(a).toContain('&amp;');
    expect(a).not.toContain('<Days>');
    expect(a).not.toMatch(/<script|on\w+=/i);
  });
});

describe('the cover for link previews', () => {
  it('is the drawn cover as a 600 × 600 PNG', async () => {
    const png = await coverPng(drawCover('Partners in Crime', 'warm'));
    expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    expect(png.readUInt32BE(16)).toBe(600);
    expect(png.readUInt32BE(20)).toBe(600);
  });
});

describe('the gift page', () => {
  const gift: Gift = {
    code: makeGiftCode(),
    fromName: 'Aoife <b>',
    toName: 'Siobhan',
    message: '</blockquote><script>alert(1)</script>',
    revealAt: null,
    allowDownload: false,
    songs: [
      {
        n: 1,
        title: 'Bus stop "love"',
        lyrics: 'la',
        lines: [{ line: '<i>la</i>', startSec: 1 }],
        durationSec: 3,
        audioFile: 'a.mp3',
        coverFile: null,
        coverType: null,
        mood: 'warm',
      },
    ],
  };

  it('escapes everything the buyer typed and the song says', () => {
    const html = giftPage(gift, 'https://refrain.example');
    expect(html).not.toContain('<script>alert');
    expect(html).toContain('&lt;/blockquote&gt;&lt;script&gt;');
    expect(html).toContain('from Aoife &lt;b&gt;');
    expect(html).toContain('Bus stop &quot;love&quot;');
    expect(html).toContain('&lt;i&gt;la&lt;/i&gt;');
    // The only script is the page's own file; no inline script anywhere.
    expect(html.match(/<script/g)).toHaveLength(1);
    expect(html).toContain('<script src="/g/gift.js" defer></script>');
    expect(html).not.toContain('/download');
  });

  it('says who it is for and from', () => {
    expect(dedication({ toName: 'Siobhan', fromName: 'Aoife' })).toBe('for Siobhan, from Aoife');
    expect(dedication({ toName: 'Siobhan', fromName: null })).toBe('for Siobhan');
  });
});
