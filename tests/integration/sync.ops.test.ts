import { randomUUID } from 'node:crypto';
import postgres from 'postgres';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { makeGuest } from '../helpers/api.ts';
import { createForm, draftOf, op, ops, song, sync } from '../helpers/ops.ts';

const { databaseUrl } = inject('stack');
const sql = postgres(databaseUrl, { max: 2, onnotice: () => {} });
afterAll(() => sql.end());

/** Rows of these owners only: other test files write to the same database at the same time. */
async function rowCounts(...guests: { ownerId: string }[]) {
  const owners = guests.map((g) => g.ownerId);
  const [row] = await sql`
    select (select count(*) from forms where owner_id = any(${owners}::uuid[]))::int as forms,
           (select count(*) from slots where owner_id = any(${owners}::uuid[]))::int as slots,
           (select count(*) from songs where owner_id = any(${owners}::uuid[]))::int as songs,
           (select count(*) from sync_ops where owner_id = any(${owners}::uuid[]))::int as ops,
           (select count(*) from draft_history where owner_id = any(${owners}::uuid[]))::int as history`;
  return row;
}

describe('POST /api/sync', () => {
  it('a replayed op answers duplicate with the stored result and changes nothing', async () => {
    const guest = await makeGuest();
    const formId = randomUUID();
    const put = ops.draftPut(formId, draftOf(1));
    const [first] = await sync(guest, [put]);
    expect(first).toMatchObject({ id: put.id, status: 'applied', result: { formId } });
    const before = await rowCounts(guest);
    const [again] = await sync(guest, [put]);
    expect(again).toEqual({ id: put.id, status: 'duplicate', result: first!.result });
    expect(await rowCounts(guest)).toEqual(before);
  });

  it('an op id replayed with a different body is a conflict, and nothing is written', async () => {
    const guest = await makeGuest();
    const formId = randomUUID();
    const put = ops.draftPut(formId, draftOf(1));
    await sync(guest, [put]);
    const before = await rowCounts(guest);
    const [answer] = await sync(guest, [
      { ...put, args: { ...(put.args as object), draft: draftOf(2) } },
    ]);
    expect(answer).toMatchObject({ status: 'rejected', code: 'conflict' });
    expect(await rowCounts(guest)).toEqual(before);
  });

  it('malformed, unknown and foreign ops are rejected with a reason, and nothing is written', async () => {
    const owner = await makeGuest();
    const stranger = await makeGuest();
    const formId = await createForm(owner, 1);
    const before = await rowCounts(owner, stranger);
    const answers = await sync(stranger, [
      op('draft.put', { formId: 'not-a-uuid', draft: {}, fieldTimes: {} }),
      op('song.delete', { formId }),
      op('form.submit', { formId }),
      ops.draftPut(formId, draftOf(1)),
      op('generation.request', { formId, songIndex: 0, variationIndex: 3 }),
      op('form.submit', { formId: randomUUID() }),
    ]);
    expect(answers.map((a) => [a.status, a.code])).toEqual([
      ['rejected', 'invalid'],
      ['rejected', 'unknown_type'],
      ['rejected', 'forbidden'],
      ['rejected', 'forbidden'],
      ['rejected', 'invalid'],
      ['rejected', 'not_found'],
    ]);
    for (const a of answers) expect(a.error).toMatch(/\w{4,}/);
    expect(await rowCounts(owner, stranger)).toEqual(before);
  });

  it('submitting an incomplete song is rejected naming what is missing, with nothing half-written', async () => {
    const guest = await makeGuest();
    const formId = randomUUID();
    const draft = { songCount: 2, songs: [song(), song({ story: '' })] };
    const before = await rowCounts(guest);
    const answers = await sync(guest, [ops.draftPut(formId, draft), ops.submit(formId)]);
    expect(answers[0]!.status).toBe('applied');
    expect(answers[1]).toMatchObject({ status: 'rejected', code: 'invalid' });
    expect(answers[1]!.error).toMatch(/song 2 .*story is missing/);
    const after = await rowCounts(guest);
    expect(after).toMatchObject({
      slots: before!.slots,
      songs: before!.songs,
      forms: before!.forms + 1,
    });
  });

  it('bad envelopes answer 4xx with a message: not JSON, too many ops, over 1 MiB, no token', async () => {
    const guest = await makeGuest();
    const notJson = await guest.fetch('/api/sync', { method: 'POST', body: '{nope' });
    expect(notJson.status).toBe(400);
    const tooMany = await guest.fetch('/api/sync', {
      method: 'POST',
      body: JSON.stringify({
        clientId: 'c',
        ops: Array.from({ length: 501 }, () => ops.submit(randomUUID())),
      }),
    });
    expect(tooMany.status).toBe(400);
    expect((await tooMany.json()).error).toMatch(/500/);
    const huge = await guest.fetch('/api/sync', {
      method: 'POST',
      body: JSON.stringify({ clientId: 'c', ops: [], padding: 'x'.repeat(1024 * 1024) }),
    });
    expect(huge.status).toBe(413);
    const anonymous = await fetch(`${guest.baseUrl}/api/sync`, { method: 'POST', body: '{}' });
    expect(anonymous.status).toBe(401);
  });
});

describe('draft merge through the API', () => {
  it('conflicting edits of one field end by the per-field rule and the loser is restorable', async () => {
    const guest = await makeGuest();
    const formId = randomUUID();
    const base = draftOf(1);
    const t = Date.now();
    const phone = ops.draftPut(
      formId,
      { ...base, songs: [song({ story: 'phone version' })] },
      { 'songs.0.story': t + 10 },
    );
    const laptop = ops.draftPut(
      formId,
      { ...base, songs: [song({ story: 'laptop version' })] },
      { 'songs.0.story': t + 5 },
    );
    // The later edit arrives first; the earlier one must still lose.
    await sync(guest, [phone]);
    await sync(guest, [laptop]);
    const form = await (await guest.fetch(`/api/forms/${formId}`)).json();
    expect(form.form.draft.songs[0].story).toBe('phone version');
    const history =
      await sql`select id, value from draft_history where form_id = ${formId} and field = 'songs.0.story'`;
    expect(history.map((h) => h.value)).toEqual(['laptop version']);
    const [restored] = await sync(guest, [
      op('draft.restore', { formId, historyId: Number(history[0]!.id) }),
    ]);
    expect(restored).toMatchObject({
      status: 'applied',
      result: { field: 'songs.0.story', value: 'laptop version' },
    });
    const after = await (await guest.fetch(`/api/forms/${formId}`)).json();
    expect(after.form.draft.songs[0].story).toBe('laptop version');
  });

  it('GET /api/forms/:id is owner-only and the OpenAPI document lists the sync endpoint', async () => {
    const owner = await makeGuest();
    const other = await makeGuest();
    const formId = await createForm(owner, 1);
    expect((await owner.fetch(`/api/forms/${formId}`)).status).toBe(200);
    expect((await other.fetch(`/api/forms/${formId}`)).status).toBe(404);
    const spec = await (await fetch(`${owner.baseUrl}/api/openapi.json`)).json();
    expect(spec.paths['/api/sync'].post.requestBody).toBeTruthy();
    expect(Object.keys(spec.components.schemas)).toContain('op:form.submit');
  });
});
