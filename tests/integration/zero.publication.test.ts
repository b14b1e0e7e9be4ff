import { randomUUID } from 'node:crypto';
import type { TableSchema } from '@rocicorp/zero';
import postgres from 'postgres';
import { afterAll, expect, inject, it } from 'vitest';
import { queries } from '../../schema/queries.ts';
import { schema } from '../../schema/zero.ts';
import { SYNC_PUBLICATION } from '../../server/zero/cache.ts';
import { makeGuest } from '../helpers/api.ts';
import { allFieldTimes, draftOf, op, ops, sync } from '../helpers/ops.ts';
import { waitFor } from '../helpers/stack.ts';
import { connectZero } from '../helpers/zero.ts';

const { databaseUrl, zeroUrl } = inject('stack');
const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
afterAll(() => sql.end());

type Columns = Record<string, string[]>;

/** Each Zero table's SQL name and the SQL names of the columns it declares. */
function declared(): Columns {
  return Object.fromEntries(
    Object.values<TableSchema>(schema.tables).map((table) => [
      table.serverName ?? table.name,
      Object.entries(table.columns)
        .map(([name, column]) => column.serverName ?? name)
        .sort(),
    ]),
  );
}

// A published column no Zero table declares is replicated for nobody; a declared column the
// publication leaves out is missing from every row a client gets.
it('the publication carries exactly the columns the Zero schema declares', async () => {
  const rows = await sql<{ tablename: string; attnames: string[] }[]>`
    select tablename, attnames from pg_publication_tables
    where pubname = ${SYNC_PUBLICATION} and schemaname = 'public'`;
  const published: Columns = Object.fromEntries(
    rows.map((r) => [r.tablename, [...r.attnames].sort()]),
  );
  expect(published).toEqual(declared());
});

// Devices merge by each field's edit time; the form's row carries the times alone (edit_times),
// which a trigger keeps equal to the server's {t, op} stamps however a draft is written.
it('a device gets the edit time of every field as the server stamped it, after puts and a restore', async () => {
  const guest = await makeGuest();
  const formId = randomUUID();
  const t = Date.now();
  const [first] = await sync(guest, [
    ops.draftPut(formId, draftOf(1), allFieldTimes(draftOf(1), t)),
  ]);
  expect(first!.status).toBe('applied');
  // An older story loses to the stored one and goes to the history, from which it is restored.
  const older = draftOf(1);
  older.songs[0]!.story = 'An older story, written before the first put.';
  const later = draftOf(1);
  later.songs[0]!.mood = 'playful';
  await sync(guest, [
    ops.draftPut(formId, older, { 'songs.0.story': t - 1000 }),
    ops.draftPut(formId, later, { 'songs.0.mood': t + 1000 }),
  ]);
  const [lost] = await sql<{ id: string }[]>`
    select id from draft_history
    where form_id = ${formId} and field = 'songs.0.story' and value #>> '{}' = ${older.songs[0]!.story}`;
  const [restored] = await sync(guest, [
    op('draft.restore', { formId, historyId: Number(lost!.id) }),
  ]);
  expect(restored!.status).toBe('applied');

  const [row] = await sql<{ field_times: Record<string, { t: number }> }[]>`
    select field_times from forms where id = ${formId}`;
  const stamped = Object.fromEntries(Object.entries(row!.field_times).map(([k, s]) => [k, s.t]));
  expect(stamped['songs.0.mood']).toBe(t + 1000);
  expect(stamped['songs.0.story']).toBeGreaterThan(t);
  const zero = connectZero(zeroUrl, guest);
  try {
    let seen: Record<string, number> | undefined;
    await waitFor(
      async () => {
        const form = await zero.run(queries.form({ formId }), { type: 'complete' });
        seen = form?.fieldTimes;
        return seen?.['songs.0.story'] === stamped['songs.0.story'];
      },
      20_000,
      () => JSON.stringify(seen),
    );
    expect(seen).toEqual(stamped);
  } finally {
    await zero.close();
  }
});
