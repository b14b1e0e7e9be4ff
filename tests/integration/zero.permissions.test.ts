import { randomUUID } from 'node:crypto';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { queries } from '../../schema/queries.ts';
import { makeGuest, type Guest } from '../helpers/api.ts';
import { waitFor } from '../helpers/stack.ts';
import { connectZero } from '../helpers/zero.ts';

const { databaseUrl, zeroUrl } = inject('stack');
const sql = postgres(databaseUrl, { max: 2, onnotice: () => {} });

async function insertForm(ownerId: string, songCount = 1): Promise<string> {
  const id = randomUUID();
  await sql`insert into forms (id, owner_id, song_count) values (${id}, ${ownerId}, ${songCount})`;
  return id;
}

describe('reads through a real zero-cache are owner-only', () => {
  let a: Guest;
  let b: Guest;
  let aForm: string;
  let bForm: string;

  beforeAll(async () => {
    [a, b] = await Promise.all([makeGuest(), makeGuest()]);
    aForm = await insertForm(a.ownerId, 2);
    bForm = await insertForm(b.ownerId, 3);
  });
  afterAll(() => sql.end());

  it("guest A sees its own forms and never guest B's", async () => {
    const zero = connectZero(zeroUrl, a);
    try {
      const view = zero.materialize(queries.myForms());
      await waitFor(
        () => view.data.length >= 1,
        20_000,
        () => JSON.stringify(view.data),
      );
      // Another of A's rows written after the view opened arrives live; B's never does.
      const later = await insertForm(a.ownerId, 4);
      await insertForm(b.ownerId, 5);
      await waitFor(() => view.data.some((f) => f.id === later), 20_000);
      const complete = await zero.run(queries.myForms(), { type: 'complete' });
      expect(complete.map((f) => f.id).sort()).toEqual([aForm, later].sort());
      expect(complete.every((f) => f.ownerId === a.ownerId)).toBe(true);
      view.destroy();
    } finally {
      await zero.close();
    }
  });

  it("asking for B's form by id from A's connection yields nothing", async () => {
    const zero = connectZero(zeroUrl, a);
    try {
      const own = await zero.run(queries.form({ formId: aForm }), { type: 'complete' });
      expect(own?.id).toBe(aForm);
      const other = await zero.run(queries.form({ formId: bForm }), { type: 'complete' });
      expect(other).toBeUndefined();
    } finally {
      await zero.close();
    }
  });

  it('the query endpoint refuses a forged token', async () => {
    const res = await fetch(`${a.baseUrl}/api/zero/query?schema=x&appID=zero`, {
      method: 'POST',
      headers: { authorization: `Bearer ${a.token}x`, 'content-type': 'application/json' },
      body: JSON.stringify(['transform', []]),
    });
    expect(res.status).toBe(401);
  });
});
