import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readSiteInfo } from '../../schema/site-check.ts';
import { SiteInfo } from '../../schema/site.ts';

// The app reads GET /api/config (and the copy written into its page) with readSiteInfo, without
// zod; the zod schema is the documented shape. Whatever one accepts the other must, with the same
// result, or a phone would keep an answer the server's own schema calls wrong (or drop a good one).

const SAMPLE = {
  id: 'grandmother-birthday',
  title: 'Generations, Rosa',
  occasion: 'For a grandmother’s 80th birthday',
  style: 'Warm & tender · acoustic folk',
  lyricsExcerpt: ['It all goes back to you, Rosa', 'Every song we sing'],
  audioUrl: '/api/samples/grandmother-birthday?v=0123456789abcdef',
  durationSeconds: 30,
};
const GOOD = {
  syncUrl: null,
  provider: 'local',
  payments: 'demo',
  sings: false,
  pricing: {
    currency: 'usd',
    bySongCount: [2900, 4900, 6900, 8400, 9900],
    shown: ['$29.00', '$49.00', '$69.00', '$84.00', '$99.00'],
  },
  samples: [SAMPLE],
  receiptEmails: true,
};

function zodRead(value: unknown) {
  const parsed = SiteInfo.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

/** Every path into the answer, with a value to put there. */
const mutation = fc.record({
  path: fc.constantFrom(
    [],
    ['syncUrl'],
    ['provider'],
    ['payments'],
    ['sings'],
    ['pricing'],
    ['pricing', 'currency'],
    ['pricing', 'bySongCount'],
    ['pricing', 'bySongCount', 0],
    ['pricing', 'shown'],
    ['pricing', 'shown', 4],
    ['samples'],
    ['samples', 0],
    ['samples', 0, 'title'],
    ['samples', 0, 'lyricsExcerpt'],
    ['samples', 0, 'durationSeconds'],
    ['receiptEmails'],
  ),
  value: fc.oneof(
    fc.constant(undefined),
    fc.constant(null),
    fc.boolean(),
    fc.integer({ min: -5, max: 10_000 }),
    fc.double({ noNaN: true }),
    fc.string({ maxLength: 50 }),
    fc.constantFrom('local', 'musicgpt', 'stripe', 'demo', ''),
    fc.array(fc.integer({ min: 0, max: 5000 }), { maxLength: 6 }),
    fc.array(fc.string({ maxLength: 45 }), { maxLength: 6 }),
    fc.constant({}),
  ),
});

function mutate(path: readonly (string | number)[], value: unknown) {
  const copy = structuredClone(GOOD) as Record<string | number, unknown>;
  if (path.length === 0) return value;
  let at = copy;
  for (const key of path.slice(0, -1)) at = at[key] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (value === undefined) delete at[last];
  else at[last] = value;
  return copy;
}

describe("the app's reading of the site's facts", () => {
  it('reads a full answer as the zod schema does', () => {
    expect(readSiteInfo(GOOD)).toEqual(zodRead(GOOD));
    expect(readSiteInfo(GOOD)?.pricing.shown?.[1]).toBe('$49.00');
  });

  it('reads an answer kept before prices were written out, samples existed or receipts were emailed', () => {
    const old = { ...GOOD, pricing: { currency: 'usd', bySongCount: [1, 2, 3, 4, 5] } };
    delete (old as Partial<typeof GOOD>).samples;
    delete (old as Partial<typeof GOOD>).receiptEmails;
    expect(readSiteInfo(old)).toEqual({ ...old, samples: [] });
    expect(readSiteInfo(old)).toEqual(zodRead(old));
  });

  it('accepts and refuses exactly what the zod schema does, with the same result', () => {
    fc.assert(
      fc.property(mutation, ({ path, value }) => {
        const answer = mutate(path, value);
        expect(readSiteInfo(answer)).toEqual(zodRead(answer));
      }),
      { numRuns: 2000 },
    );
  });
});
