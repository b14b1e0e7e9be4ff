import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Sql } from 'postgres';
import { logger } from '../log.ts';

const log = logger('migrate');

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../schema/migrations/', import.meta.url));

// Any constant works; it only has to be the same in every process that migrates this database.
const LOCK_KEY = 7_310_042_001;

export interface Migration {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

/** Reads `NNNN_name.sql` files in version order. */
export function readMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return fs
    .readdirSync(dir)
    .filter((f) => /^\d{4}_[\w-]+\.sql$/.test(f))
    .sort()
    .map((file) => {
      const sql = fs.readFileSync(path.join(dir, file), 'utf8');
      return {
        version: Number(file.slice(0, 4)),
        name: file.replace(/\.sql$/, ''),
        sql,
        checksum: createHash('sha256').update(sql).digest('hex'),
      };
    });
}

/**
 * Applies every migration not yet recorded, each in its own transaction. The transaction-scoped
 * advisory lock serialises concurrent migrators, and the applied check happens under that lock,
 * so two processes starting at once end with one applied set.
 */
export async function migrate(sql: Sql, migrations = readMigrations()): Promise<number[]> {
  if (await allApplied(sql, migrations)) return [];
  const applied: number[] = [];
  for (const m of migrations) {
    const didApply = await sql.begin(async (tx) => {
      await tx`select pg_advisory_xact_lock(${LOCK_KEY})`;
      await tx`
        create table if not exists schema_migrations (
          version integer primary key,
          name text not null,
          checksum text not null,
          applied_at timestamptz not null default now()
        )`;
      const [done] = await tx<{ checksum: string }[]>`
        select checksum from schema_migrations where version = ${m.version}`;
      if (done) {
        if (done.checksum !== m.checksum) {
          throw new Error(
            `migration ${m.name} was changed after it was applied; add a new migration instead`,
          );
        }
        return false;
      }
      await tx.unsafe(m.sql);
      await tx`
        insert into schema_migrations (version, name, checksum)
        values (${m.version}, ${m.name}, ${m.checksum})`;
      return true;
    });
    if (didApply) {
      log.info('applied', { migration: m.name });
      applied.push(m.version);
    }
  }
  return applied;
}

/**
 * Whether every migration is recorded already, unchanged: one query instead of a transaction per
 * migration on every start. Anything else (a new migration, a changed one, no table yet) takes
 * the locked path above, which applies or refuses it.
 */
async function allApplied(sql: Sql, migrations: Migration[]): Promise<boolean> {
  const [table] = await sql<{ exists: boolean }[]>`
    select to_regclass('schema_migrations') is not null as exists`;
  if (!table?.exists) return false;
  const rows = await sql<{ version: number; checksum: string }[]>`
    select version, checksum from schema_migrations`;
  const recorded = new Map(rows.map((r) => [r.version, r.checksum]));
  return migrations.every((m) => recorded.get(m.version) === m.checksum);
}
