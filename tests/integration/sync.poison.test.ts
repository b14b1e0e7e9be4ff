import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import postgres from 'postgres';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { MAX_OPS_PER_BATCH, type OpResult } from '../../schema/ops.ts';
import { makeGuest, type Guest } from '../helpers/api.ts';
import { allFieldTimes, op, ops, song } from '../helpers/ops.ts';
import { health } from '../helpers/stack.ts';

const { baseUrl, databaseUrl } = inject('stack');
const sql = postgres(databaseUrl, { max: 2, onnotice: () => {} });
afterAll(() => sql.end());

interface Answer {
  status: number;
  body: { results?: OpResult[]; error?: string };
}

/** POSTs a body exactly as given (raw JSON text, so it can hold what JSON.stringify never writes). */
async function post(guest: Guest, body: string): Promise<Answer> {
  const res = await guest.fetch('/api/sync', { method: 'POST', body });
  return { status: res.status, body: await res.json() };
}

const batch = (...rawOps: string[]) => `{"clientId":"poison-test","ops":[${rawOps.join(',')}]}`;

/** A draft.put whose only change is the recipient's name, as JSON text. */
function goodPut(formId: string, recipient: string) {
  const draft = { songCount: 1, songs: [song({ recipient })] };
  return ops.draftPut(formId, draft, allFieldTimes(draft));
}

/** The draft.put with one song field replaced by `value` (any JSON text). */
function putWith(formId: string, field: string, valueJson: string, id = uuidv7()) {
  const draft = { songCount: 1, songs: [song({ [field]: '__VALUE__' })] };
  const text = JSON.stringify(ops.draftPut(formId, draft, allFieldTimes(draft)));
  return text.replace('"__VALUE__"', valueJson).replace(/"id":"[^"]+"/, `"id":"${id}"`);
}

async function recipientOf(formId: string): Promise<string | undefined> {
  const [row] = await sql<{ recipient: string }[]>`
    select draft->'songs'->0->>'recipient' as recipient from forms where id = ${formId}`;
  return row?.recipient;
}

/**
 * Sends [poison, good put] and checks that the poison alone is refused with a sentence, that the
 * put after it applied, and that the server still answers.
 */
async function refusedAlone(guest: Guest, poison: string, code: OpResult['code'] = 'invalid') {
  const formId = randomUUID();
  const good = goodPut(formId, `after-${formId.slice(0, 8)}`);
  const answer = await post(guest, batch(poison, JSON.stringify(good)));
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  const [bad, after] = answer.body.results!;
  expect(bad).toMatchObject({ status: 'rejected', code });
  expect(bad!.error).toMatch(/\w{4,} \w{2,}/);
  expect(after).toEqual({ id: good.id, status: 'applied', result: { formId, lost: 0 } });
  expect(await recipientOf(formId)).toBe(`after-${formId.slice(0, 8)}`);
  expect((await health(baseUrl))?.status).toBe(200);
  return bad!;
}

describe('a poisoned op is refused alone, and the ops after it apply', () => {
  it('a NUL in a draft field', async () => {
    const guest = await makeGuest();
    const formId = randomUUID();
    const id = uuidv7();
    const bad = await refusedAlone(
      guest,
      putWith(formId, 'story', '"We met\\u0000 in Lisbon"', id),
    );
    expect(bad.id).toBe(id);
    expect(bad.error).toMatch(/song 1, story: .*NUL.*cannot be saved/);
    expect(await recipientOf(formId)).toBeUndefined();
  });

  it('a lone surrogate in a draft field, and one in a name', async () => {
    const guest = await makeGuest();
    const bad = await refusedAlone(
      guest,
      putWith(randomUUID(), 'story', '"half \\ud83d an emoji"'),
    );
    expect(bad.error).toMatch(/song 1, story: .*broken character/);
    await refusedAlone(guest, putWith(randomUUID(), 'recipient', '"\\udc00"'));
  });

  it('op types that every object has: __proto__, constructor, toString', async () => {
    const guest = await makeGuest();
    for (const type of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      const bad = await refusedAlone(
        guest,
        JSON.stringify(op(type, { formId: randomUUID() })),
        'unknown_type',
      );
      expect(bad.error).toContain(JSON.stringify(type));
    }
  });

  it('args nested 5,000 levels deep, and args with too many values', async () => {
    const guest = await makeGuest();
    const deep = '{"a":'.repeat(5_000) + '1' + '}'.repeat(5_000);
    const bad = await refusedAlone(guest, `{"id":"${uuidv7()}","type":"draft.put","args":${deep}}`);
    expect(bad.error).toMatch(/nested more than \d+ levels/);
    const wide = JSON.stringify(
      op('draft.put', { formId: randomUUID(), xs: Array(50_000).fill(0) }),
    );
    expect((await refusedAlone(guest, wide)).error).toMatch(/more than [\d,]+ values/);
  });

  it('an id that is not a UUID, an op that is not an object, and an op with no type', async () => {
    const guest = await makeGuest();
    const bad = await refusedAlone(guest, JSON.stringify(op('draft.put', {}, 'not-a-uuid')));
    expect(bad).toMatchObject({ id: 'not-a-uuid', error: expect.stringMatching(/UUID/) });
    for (const poison of ['null', '42', '"draft.put"', '[]', `{"id":${JSON.stringify(uuidv7())}}`])
      await refusedAlone(guest, poison);
  });
});

// Already refused alone before the poisoned-op fault was fixed; kept so they stay that way.
describe('other odd input keeps its answer of its own', () => {
  it('numbers JSON can hold but a draft cannot: 1e400, -1, 2^60, 1.5', async () => {
    const guest = await makeGuest();
    await refusedAlone(
      guest,
      putWith(randomUUID(), 'story', '"x"').replace(/"songCount":1/, '"songCount":1e400'),
    );
    for (const time of ['1e400', '-1', '1152921504606846976', '1.5']) {
      const poison = putWith(randomUUID(), 'story', '"x"').replace(
        /"songs\.0\.story":\d+/,
        `"songs.0.story":${time}`,
      );
      expect((await refusedAlone(guest, poison)).error).toMatch(/fieldTimes/);
    }
  });

  it('one op id twice in a batch with different bodies: the second is a conflict', async () => {
    const guest = await makeGuest();
    const formId = randomUUID();
    const first = goodPut(formId, 'Ana');
    const twin = { ...goodPut(formId, 'Bea'), id: first.id };
    const after = goodPut(randomUUID(), 'Cleo');
    const answer = await post(
      guest,
      batch(...[first, twin, first, after].map((o) => JSON.stringify(o))),
    );
    expect(answer.body.results!.map((r) => [r.status, r.code])).toEqual([
      ['applied', undefined],
      ['rejected', 'conflict'],
      ['duplicate', undefined],
      ['applied', undefined],
    ]);
    expect(await recipientOf(formId)).toBe('Ana');
  });

  it('text with line and paragraph separators is kept exactly', async () => {
    const guest = await makeGuest();
    const formId = randomUUID();
    const name = 'Ana\u2028Bea\u2029Cleo 🎉';
    const [answer] = (await post(guest, batch(JSON.stringify(goodPut(formId, name))))).body
      .results!;
    expect(answer!.status).toBe('applied');
    expect(await recipientOf(formId)).toBe(name);
  });
});

describe('a body that is not a batch is refused whole with a reason, never a 500', () => {
  it('not JSON, not an object, ops not a list, no clientId, too many ops', async () => {
    const guest = await makeGuest();
    const refusals: [string, number, RegExp][] = [
      ['{"clientId":"x","ops":[', 400, /not JSON/],
      ['null', 400, /clientId and a list of ops/],
      ['[]', 400, /clientId and a list of ops/],
      ['{"clientId":"x","ops":"draft.put"}', 400, /ops/],
      ['{"ops":[]}', 400, /clientId/],
      [
        batch(...Array(MAX_OPS_PER_BATCH + 1).fill('{}')),
        400,
        new RegExp(`at most ${MAX_OPS_PER_BATCH} changes`),
      ],
    ];
    for (const [body, status, reason] of refusals) {
      const answer = await post(guest, body);
      expect([answer.status, answer.body.error]).toEqual([status, expect.stringMatching(reason)]);
    }
    expect((await health(baseUrl))?.status).toBe(200);
  });
});

// Arbitrary JSON values where ops go, and arbitrary values inside a well-formed op's args.
const anyText = fc.oneof(
  fc.string({ unit: 'grapheme' }),
  fc.string({ unit: 'binary' }),
  fc.constantFrom('\u0000', '\ud800', '\udfff', '__proto__', 'constructor', 'toString', '\u2028'),
);
const anyJson = fc.jsonValue({ maxDepth: 6 }).map((v) => v as unknown);
const anyArgs = fc.oneof(
  anyJson,
  fc.record({
    formId: fc.oneof(fc.uuid(), anyText),
    draft: fc.oneof(
      anyJson,
      fc.record({
        songCount: fc.oneof(fc.integer({ min: -2, max: 7 }), fc.double()),
        songs: fc.array(fc.dictionary(anyText, fc.oneof(anyText, anyJson)), { maxLength: 6 }),
      }),
    ),
    fieldTimes: fc.oneof(anyJson, fc.dictionary(anyText, fc.oneof(fc.integer(), fc.double()))),
  }),
);
const anyOp = fc.oneof(
  anyJson,
  fc.record({
    id: fc.oneof(fc.uuid(), anyText, anyJson),
    type: fc.oneof(
      fc.constantFrom('draft.put', 'form.submit', 'generation.request', 'slot.retry'),
      fc.constantFrom('selection.set', 'draft.restore', '__proto__', 'valueOf'),
      anyText,
    ),
    args: anyArgs,
  }),
);

describe('anything sent as ops', () => {
  it('never gets a 500, and a good op after it always applies', async () => {
    const guest = await makeGuest();
    await fc.assert(
      fc.asyncProperty(fc.array(anyOp, { minLength: 1, maxLength: 4 }), async (junk) => {
        const formId = randomUUID();
        const good = goodPut(formId, 'after the junk');
        // JSON.stringify keeps lone surrogates as \u escapes, so they reach the server as sent.
        const answer = await post(guest, batch(...[...junk, good].map((o) => JSON.stringify(o))));
        expect(answer.status, JSON.stringify(answer.body)).toBe(200);
        const results = answer.body.results!;
        expect(results).toHaveLength(junk.length + 1);
        for (const r of results.slice(0, -1)) {
          expect(['rejected', 'applied', 'duplicate']).toContain(r.status);
          if (r.status === 'rejected') expect(r.error).toMatch(/\w{3,}/);
          expect(r.code).not.toBe('internal');
        }
        expect(results.at(-1)).toEqual({
          id: good.id,
          status: 'applied',
          result: { formId, lost: 0 },
        });
      }),
      { numRuns: 150 },
    );
    expect((await health(baseUrl))?.status).toBe(200);
  });
});
