import path from 'node:path';
import postgres, { type Sql } from 'postgres';
import type { Config } from '../config.ts';
import { ConfigError } from '../config.ts';
import { logger } from '../log.ts';
import { startEmbeddedCluster } from './embedded.ts';

const log = logger('db');

export interface Database {
  /** Connection string, also handed to zero-cache. */
  url: string;
  sql: Sql;
  embedded: boolean;
  /** Ends the pool and stops the embedded cluster, killing it after `graceMs`. */
  close: (graceMs?: number) => Promise<void>;
  /** Kills the embedded cluster at once; nothing for an outside database. */
  kill: () => void;
}

/** Connects to a fresh postgres.js pool with the options every part of the server shares. */
export function connect(url: string, max = 10): Sql {
  return postgres(url, {
    max,
    onnotice: () => {},
    // Seconds before a closed connection reconnects. postgres.js counts failures for the whole
    // pool and waits up to 20 s, so one burst of terminated connections stalled every request
    // that long; a capped second still spares a database that is down.
    backoff: (failures: number) => Math.min(0.05 * 2 ** failures, 1),
    // PG_APPLICATION_NAME tells one server's connections apart in pg_stat_activity.
    connection: { application_name: process.env.PG_APPLICATION_NAME || 'refrain' },
  });
}

/** Opens DATABASE_URL, or the embedded cluster in DATA_DIR/pg when it is not set. */
export async function openDatabase(
  config: Pick<Config, 'databaseUrl' | 'dataDir' | 'pgPort'>,
  onClusterStart?: (pid: number) => void,
): Promise<Database> {
  if (config.databaseUrl) {
    const sql = connect(config.databaseUrl);
    await requireLogicalWal(sql);
    return {
      url: config.databaseUrl,
      sql,
      embedded: false,
      close: () => sql.end({ timeout: 5 }),
      kill: () => {},
    };
  }
  const cluster = await startEmbeddedCluster(path.join(config.dataDir, 'pg'), config.pgPort, {
    onStart: onClusterStart,
  });
  const admin = connect(cluster.url('postgres'), 1);
  try {
    const [exists] = await admin`select 1 from pg_database where datname = 'refrain'`;
    if (!exists) await admin`create database refrain`;
  } finally {
    await admin.end({ timeout: 5 });
  }
  const url = cluster.url('refrain');
  const sql = connect(url);
  return {
    url,
    sql,
    embedded: true,
    close: async (graceMs) => {
      await sql.end({ timeout: 1 });
      await cluster.stop(graceMs);
    },
    kill: cluster.kill,
  };
}

async function requireLogicalWal(sql: Sql): Promise<void> {
  let level: string | undefined;
  try {
    [{ wal_level: level }] = (await sql`show wal_level`) as unknown as [{ wal_level: string }];
  } catch (err) {
    await sql.end({ timeout: 1 });
    throw new ConfigError(`DATABASE_URL: cannot connect (${(err as Error).message})`);
  }
  if (level !== 'logical') {
    await sql.end({ timeout: 1 });
    throw new ConfigError(
      `DATABASE_URL: the server runs with wal_level=${level}; live sync needs wal_level=logical ` +
        `(set it in postgresql.conf or with ALTER SYSTEM, then restart Postgres)`,
    );
  }
  log.info('using external database');
}
