import postgres from 'postgres';
import { afterAll, expect, inject, it } from 'vitest';
import { migrate, readMigrations } from '../../server/db/migrate.ts';

const { databaseUrl } = inject('stack');
const admin = postgres(databaseUrl, { max: 1, onnotice: () => {} });
const dbName = `migrate_${process.pid}_${Date.now()}`;
const target = databaseUrl.replace(/\/refrain$/, `/${dbName}`);

afterAll(async () => {
  await admin.unsafe(`drop database if exists ${dbName} with (force)`);
  await admin.end();
});

it('two migrators racing on an empty database end with one applied set', async () => {
  await admin.unsafe(`create database ${dbName}`);
  const one = postgres(target, { max: 1, onnotice: () => {} });
  const two = postgres(target, { max: 1, onnotice: () => {} });
  try {
    const [first, second] = await Promise.all([migrate(one), migrate(two)]);
    const all = readMigrations().map((m) => m.version);
    // Each version applied by exactly one of the two.
    expect([...first, ...second].sort((a, b) => a - b)).toEqual(all);
    const rows = await one<{ version: number }[]>`select version from schema_migrations order by 1`;
    expect(rows.map((r) => r.version)).toEqual(all);
    // A third run finds nothing to do.
    expect(await migrate(one)).toEqual([]);
  } finally {
    await Promise.all([one.end(), two.end()]);
  }
});

it('a migration edited after it was applied stops the start with its name', async () => {
  const db = postgres(target, { max: 1, onnotice: () => {} });
  try {
    const [firstMigration, ...rest] = readMigrations();
    const edited = { ...firstMigration!, checksum: 'edited' };
    await expect(migrate(db, [edited, ...rest])).rejects.toThrow(/0001_init was changed/);
  } finally {
    await db.end();
  }
});
