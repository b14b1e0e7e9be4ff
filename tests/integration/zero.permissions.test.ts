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

  it("a take's live stream reaches its owner as a path on this server, never the studio's link", async () => {
    const slotId = randomUUID();
    await sql`insert into songs (form_id, song_index, owner_id, brief)
      values (${aForm}, 0, ${a.ownerId}, ${sql.json({ recipient: 'Ana' })})`;
    // A finished slot: nothing in the running stack picks it up.
    await sql`insert into slots (id, form_id, song_index, variation_index, owner_id, status, preset, provider)
      values (${slotId}, ${aForm}, 0, 0, ${a.ownerId}, 'failed', 'poetic', 'local')`;
    const own = randomUUID();
    const foreign = randomUUID();
    await sql`insert into take_streams
        (id, slot_id, owner_id, form_id, conversion_id, take_index, remote_url, stream_url)
      values
        (${own}, ${slotId}, ${a.ownerId}, ${aForm}, 'c1', 1,
         'https://cdn1.musicgpt.com/streams/secret/index.m3u8', ${`/api/streams/${own}/index.m3u8?sig=x`}),
        (${foreign}, ${slotId}, ${b.ownerId}, ${aForm}, 'c2', 2,
         'https://cdn1.musicgpt.com/streams/other/index.m3u8', ${`/api/streams/${foreign}/index.m3u8?sig=y`})`;
    const zero = connectZero(zeroUrl, a);
    try {
      let streams: readonly unknown[] = [];
      await waitFor(
        async () => {
          const form = await zero.run(queries.form({ formId: aForm }), { type: 'complete' });
          streams = form?.slots.find((slot) => slot.id === slotId)?.streams ?? [];
          return streams.length > 0;
        },
        20_000,
        () => JSON.stringify(streams),
      );
      expect(streams).toEqual([
        expect.objectContaining({ id: own, streamUrl: `/api/streams/${own}/index.m3u8?sig=x` }),
      ]);
      expect(JSON.stringify(streams)).not.toContain('cdn1.musicgpt.com');
    } finally {
      await zero.close();
    }
  });

  it("the library's covers are the owner's own slots' covers, never another's", async () => {
    const [aSlot, aBare, bSlot] = [randomUUID(), randomUUID(), randomUUID()];
    await sql`insert into songs (form_id, song_index, owner_id, brief)
      values (${aForm}, 1, ${a.ownerId}, ${sql.json({ recipient: 'Ben' })}),
             (${bForm}, 0, ${b.ownerId}, ${sql.json({ recipient: 'Caro' })})`;
    // Finished slots: nothing in the running stack picks them up.
    await sql`insert into slots (id, form_id, song_index, variation_index, owner_id, status, preset, provider, cover_url)
      values (${aSlot}, ${aForm}, 1, 0, ${a.ownerId}, 'failed', 'poetic', 'local', ${`/api/audio/covers/${aSlot}?sig=a`}),
             (${aBare}, ${aForm}, 1, 1, ${a.ownerId}, 'failed', 'poetic', 'local', null),
             (${bSlot}, ${bForm}, 0, 0, ${b.ownerId}, 'failed', 'poetic', 'local', ${`/api/audio/covers/${bSlot}?sig=b`})`;
    const zero = connectZero(zeroUrl, a);
    try {
      let covers: readonly { id: string; coverUrl?: string | null }[] = [];
      await waitFor(
        async () => {
          covers = await zero.run(queries.myCovers(), { type: 'complete' });
          return covers.some((c) => c.id === aSlot);
        },
        20_000,
        () => JSON.stringify(covers),
      );
      expect(covers.map((c) => c.id)).not.toContain(bSlot);
      expect(covers.map((c) => c.id)).not.toContain(aBare);
      expect(covers.find((c) => c.id === aSlot)?.coverUrl).toBe(`/api/audio/covers/${aSlot}?sig=a`);
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
