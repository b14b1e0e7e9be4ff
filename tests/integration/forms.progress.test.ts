import { afterAll, expect, it } from 'vitest';
import { makeGuest } from '../helpers/api.ts';
import { testSql } from '../helpers/generation.ts';
import { createForm } from '../helpers/ops.ts';

const sql = testSql();
afterAll(() => sql.end());

/** The form row's version: Postgres gives every written row version a new xmin. */
async function versionOf(formId: string) {
  const [row] = await sql<{ xmin: string; ready: number; total: number; status: string }[]>`
    select xmin::text, progress_ready as ready, progress_total as total, status
    from forms where id = ${formId}`;
  return row!;
}

// A form's row carries its draft and is published: writing it again for a slot event that
// changes nothing on the form sends the whole draft to zero-cache and every device for nothing.
it("a form's row is written again only when its progress or status changes", async () => {
  const guest = await makeGuest();
  const formId = await createForm(guest, 1);
  const ownerId = guest.ownerId;
  const first = await versionOf(formId);

  await sql`select refresh_form_progress(${formId})`;
  expect(await versionOf(formId)).toEqual(first);

  // A slot appears: the total moves, so the row is written.
  await sql`
    insert into songs (form_id, song_index, owner_id, brief)
    values (${formId}, 0, ${ownerId}, ${sql.json({})})`;
  const [slot] = await sql<{ id: string }[]>`
    insert into slots (id, form_id, owner_id, song_index, variation_index, attempt, status, preset, provider)
    values (gen_random_uuid(), ${formId}, ${ownerId}, 0, 0, 1, 'queued', 'a', 'test') returning id`;
  await sql`select refresh_form_progress(${formId})`;
  const counted = await versionOf(formId);
  expect(counted).toMatchObject({ ready: 0, total: 1, status: 'generating' });
  expect(counted.xmin).not.toBe(first.xmin);

  // queued → generating changes nothing the form says: the row stays as it was.
  await sql`update slots set status = 'generating' where id = ${slot!.id}`;
  await sql`select refresh_form_progress(${formId})`;
  expect(await versionOf(formId)).toEqual(counted);

  await sql`update slots set status = 'ready' where id = ${slot!.id}`;
  await sql`select refresh_form_progress(${formId})`;
  expect(await versionOf(formId)).toMatchObject({ ready: 1, total: 1, status: 'ready' });
});
