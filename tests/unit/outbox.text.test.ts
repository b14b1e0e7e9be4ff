import { describe, expect, it } from 'vitest';
import type { LocalDraft } from '../../client/data/db.ts';
import { draftPutArgs } from '../../client/data/outbox.ts';
import { cleanText } from '../../client/data/text.ts';
import { DraftDoc, SongDraft } from '../../schema/draft.ts';
import { OpArgs } from '../../schema/ops.ts';

describe('typed text before it is stored and sent', () => {
  it('loses NULs and lone surrogates, wherever they are', () => {
    expect(cleanText('An\u0000a')).toBe('Ana');
    expect(cleanText('\u0000\u0000')).toBe('');
    expect(cleanText('a\uD83Db')).toBe('ab'); // a high surrogate with no low one
    expect(cleanText('a\uDE00b')).toBe('ab'); // a low surrogate with no high one
    expect(cleanText('end\uD83D')).toBe('end');
    expect(cleanText('\uDE00\uD83D')).toBe(''); // a reversed pair is two lone halves
  });

  it('keeps everything else exactly: emoji, accents, RTL text, newlines, tabs', () => {
    const kept = [
      'Ana 🎉👩🏽‍🎤 São Paulo',
      'Café crème, naïve, Åse, Zoë',
      'שלום עולם — مرحبا',
      'line one\nline two\r\n\ttabbed',
      'e\u0301 (a combining accent)',
      '\u0001 control characters other than NUL stay',
      '',
    ];
    for (const text of kept) expect(cleanText(text)).toBe(text);
    expect(cleanText('🎉\u0000🎉')).toBe('🎉🎉');
  });
});

const local = (draft: Partial<DraftDoc>, fieldTimes: Record<string, number> = {}): LocalDraft => ({
  formId: '0190a000-0000-7000-8000-000000000001',
  draft: { songCount: 1, songs: [SongDraft.parse({})], ...draft },
  fieldTimes: { songCount: 1, ...fieldTimes },
  createdAt: 1,
  updatedAt: 1,
});

describe('what a draft.put carries', () => {
  it('a draft stored before cleaning existed is sent clean, and the server schema takes it', () => {
    const args = draftPutArgs(
      local({ songs: [{ ...SongDraft.parse({}), story: 'We met\u0000 in Lisbon \uD83D' }] }),
    );
    expect(args.draft.songs[0]!.story).toBe('We met in Lisbon ');
    expect(OpArgs['draft.put'].safeParse(args).success).toBe(true);
  });

  it('an email still being typed stays on the device; the rest of the draft goes', () => {
    const typing = draftPutArgs(
      local(
        { buyerEmail: 'ana@', songs: [SongDraft.parse({ recipient: 'Ana' })] },
        { buyerEmail: 5 },
      ),
    );
    expect(typing.draft.buyerEmail).toBeUndefined();
    expect(typing.fieldTimes.buyerEmail).toBeUndefined();
    expect(typing.draft.songs[0]!.recipient).toBe('Ana');
    expect(OpArgs['draft.put'].safeParse(typing).success).toBe(true);
    // Sent as typed, the server would refuse the whole draft for it.
    const asTyped = { ...typing, draft: { ...typing.draft, buyerEmail: 'ana@' } };
    expect(OpArgs['draft.put'].safeParse(asTyped).success).toBe(false);

    for (const email of ['ana@example.com', '']) {
      const done = draftPutArgs(local({ buyerEmail: email }, { buyerEmail: 6 }));
      expect(done.draft.buyerEmail).toBe(email);
      expect(done.fieldTimes.buyerEmail).toBe(6);
    }
  });
});
