import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  emptyDraft,
  emptySong,
  isSendableEmail,
  SONG_DEFAULTS,
  SONG_FIELDS,
} from '../../schema/draft-fields.ts';
import { DraftDoc, SongDraft } from '../../schema/draft.ts';

// The app's first load checks drafts with draft-fields.ts, without zod; the server checks them
// with draft.ts's schemas. These keep the two saying the same thing.

describe('draft fields without zod', () => {
  it('makes the same new song as the schema', () => {
    expect(emptySong()).toStrictEqual(SongDraft.parse({}));
    expect(DraftDoc.parse(emptyDraft())).toStrictEqual(emptyDraft());
  });

  it('names every field of the schema, and gives a default to each one the schema does', () => {
    expect([...SONG_FIELDS].sort()).toEqual(Object.keys(SongDraft.shape).sort());
    const defaulted = Object.keys(SongDraft.parse({}));
    expect(Object.keys(SONG_DEFAULTS).sort()).toEqual(defaulted.sort());
  });

  it('hands each song a fresh copy, so editing one leaves the next new song empty', () => {
    const first = emptySong();
    first.recipient = 'Ana';
    expect(emptySong().recipient).toBe('');
  });

  // Addresses zod takes and refuses, and the ones in between that a hand-made check gets wrong.
  const ADDRESSES = [
    'ana@example.com',
    'a.b@example.co.uk',
    'first.last+tag@sub.domain.org',
    "o'neil@example.ie",
    'x_y-z@ex-ample.com',
    'A@B.CD',
    '1234@numbers.io',
    'user@mail.example.museum',
    'a@b.co',
    'name-@example.com',
    'ana',
    'ana@',
    '@example.com',
    'ana@example',
    'ana@example.c',
    'ana@@example.com',
    'ana example@example.com',
    '.ana@example.com',
    'ana.@example.com',
    'an..a@example.com',
    'ana@-example.com',
    'ana@example..com',
    'ana@example.com.',
    'ana@exa_mple.com',
    'ana@example.123',
    ' ana@example.com',
    'ana@example.com ',
    'ánä@example.com',
    'ana@例え.jp',
    '"ana"@example.com',
    'ana@[127.0.0.1]',
    'ana@localhost',
    'ana@example.com\n',
  ];

  it("takes the buyer's email exactly when zod's z.email() does, and an empty one", () => {
    const zodTakes = z.union([z.email(), z.literal('')]).optional();
    const cases = [...ADDRESSES, '', undefined];
    const verdicts = cases.map((email) => [email, isSendableEmail(email)]);
    expect(verdicts).toEqual(cases.map((email) => [email, zodTakes.safeParse(email).success]));
    expect(verdicts).toEqual(
      cases.map((email) => [email, DraftDoc.shape.buyerEmail.safeParse(email).success]),
    );
    // Both kinds are in the list, or agreeing would prove nothing.
    const taken = verdicts.filter(([, ok]) => ok).length;
    expect(taken).toBeGreaterThanOrEqual(10);
    expect(cases.length - taken).toBeGreaterThanOrEqual(10);
  });
});
