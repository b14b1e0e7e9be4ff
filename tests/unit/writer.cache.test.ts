import { describe, expect, it } from 'vitest';
import type { SongBrief } from '../../schema/draft.ts';
import { writerCacheKey } from '../../server/writer/cache.ts';
import { GroqWriter } from '../../server/writer/groq.ts';
import { LocalWriter } from '../../server/writer/local.ts';
import { presetsFor } from '../../server/writer/presets.ts';
import type { WriterInput } from '../../server/writer/types.ts';

const local = new LocalWriter();

const songA: SongBrief = {
  recipient: 'Maria',
  relationship: 'wife',
  occasion: 'anniversary',
  story: 'We met in Lisbon in 2014.',
  genre: 'acoustic pop',
  mood: 'nostalgic',
  vocals: 'male',
  language: 'English',
};
const songB: SongBrief = {
  ...songA,
  recipient: 'Jonas',
  relationship: 'brother',
  occasion: 'birthday',
  story: 'He taught me to fish.',
};

// One order with two songs; the form is shared, as it is in the app.
function order(
  a: SongBrief = songA,
  b: SongBrief = songB,
  form: WriterInput['form'] = { songCount: 2, buyerEmail: 'buyer@example.com' },
) {
  return [
    { song: a, form, preset: presetsFor(a)[0]!, songIndex: 0 },
    { song: b, form, preset: presetsFor(b)[1]!, songIndex: 1 },
  ] satisfies WriterInput[];
}

const keys = (inputs: WriterInput[]) => inputs.map((i) => writerCacheKey(i, local));

// Same values, properties inserted in reverse order at every level.
function reversed<T>(value: T): T {
  if (Array.isArray(value)) return value.map(reversed) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .reverse()
        .map(([k, v]) => [k, reversed(v)]),
    ) as T;
  }
  return value;
}

const ALTERED: { [K in keyof SongBrief]: SongBrief[K] } = {
  recipient: 'Mariana',
  relationship: 'partner',
  occasion: 'wedding anniversary',
  story: 'We met in Porto in 2015.',
  genre: 'folk',
  mood: 'joyful',
  vocals: 'female',
  language: 'Spanish',
};

describe('writerCacheKey', () => {
  it('is a sha256 hex digest and stable for the same input', () => {
    const [a] = keys(order());
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(keys(order())[0]).toBe(a);
  });

  it('changing one field of one song changes only that song’s key', () => {
    const [a, b] = keys(order());
    for (const field of Object.keys(ALTERED) as (keyof SongBrief)[]) {
      const changed = { ...songA, [field]: ALTERED[field] } as SongBrief;
      // Keep the preset fixed so the field itself, not a different preset, is what changed.
      const inputs = order(changed, songB);
      inputs[0]!.preset = presetsFor(songA)[0]!;
      const [a2, b2] = keys(inputs);
      expect(a2, field).not.toBe(a);
      expect(b2, field).toBe(b);
    }
  });

  it('ignores the occasion date: a moved date never writes the song again', () => {
    const [a, b] = keys(order());
    const dated = order({ ...songA, occasionDate: '2026-12-12' }, { ...songB, occasionDate: '' });
    expect(keys(dated)).toEqual([a, b]);
    const moved = order({ ...songA, occasionDate: '2027-01-09' }, songB);
    expect(keys(moved)).toEqual([a, b]);
  });

  it('does not depend on property order', () => {
    const inputs = order();
    expect(keys(inputs.map(reversed))).toEqual(keys(inputs));
    const shuffledSong = {
      language: 'English',
      vocals: 'male',
      mood: 'nostalgic',
      genre: 'acoustic pop',
      story: songA.story,
      occasion: 'anniversary',
      relationship: 'wife',
      recipient: 'Maria',
    } as const;
    expect(
      writerCacheKey(
        { songIndex: 0, preset: inputs[0]!.preset, form: inputs[0]!.form, song: shuffledSong },
        local,
      ),
    ).toBe(keys(inputs)[0]);
  });

  it('ignores order-form fields that never reach the text, including the buyer’s email', () => {
    const base = keys(order());
    expect(
      keys(order(songA, songB, { songCount: 2, buyerEmail: 'someone-else@example.com' })),
    ).toEqual(base);
    expect(keys(order(songA, songB, { songCount: 5 }))).toEqual(base);
    expect(
      keys(
        order(songA, songB, { songCount: 2, giftWrap: true, notes: 'rush' } as WriterInput['form']),
      ),
    ).toEqual(base);
  });

  it('ignores how the name is said: a respelling changes what is sung, never the words', () => {
    const base = keys(order());
    const said = { ...songA, recipient: 'Siobhan' };
    const [plain] = keys(order(said, songB));
    const [respelled] = keys(order({ ...said, pronunciation: 'shi-VAWN' }, songB));
    expect(respelled).toBe(plain);
    expect(plain).not.toBe(base[0]);
  });

  it('changes with the preset, the song index and the writer identity', () => {
    const [input] = order();
    const base = writerCacheKey(input!, local);
    expect(writerCacheKey({ ...input!, preset: presetsFor(input!.song)[2]! }, local)).not.toBe(
      base,
    );
    expect(
      writerCacheKey({ ...input!, preset: { ...input!.preset, tempo: 'fast 140 BPM' } }, local),
    ).not.toBe(base);
    expect(writerCacheKey({ ...input!, songIndex: 3 }, local)).not.toBe(base);
    const groq = new GroqWriter({ apiKey: 'unused' });
    const groqKey = writerCacheKey(input!, groq);
    expect(groqKey).not.toBe(base);
    expect(
      writerCacheKey(input!, { name: 'groq', model: 'openai/gpt-oss-20b', version: groq.version }),
    ).not.toBe(groqKey);
    expect(writerCacheKey(input!, { name: 'local', model: local.model, version: '999' })).not.toBe(
      base,
    );
  });

  it('does not modify its input', () => {
    const [input] = order();
    const copy = structuredClone(input);
    writerCacheKey(input!, local);
    expect(input).toEqual(copy);
  });
});
