import type { TableSchema } from '@rocicorp/zero';
import postgres from 'postgres';
import { afterAll, expect, inject, it } from 'vitest';
import { SYNC_PUBLICATION } from '../../server/zero/cache.ts';
import { schema } from '../../schema/zero.ts';

const { databaseUrl } = inject('stack');
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
