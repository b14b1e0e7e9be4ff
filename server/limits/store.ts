import type { Sql, TransactionSql } from 'postgres';
import { RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import type { Rate } from '../config.ts';

/**
 * What RateLimiterPostgres asks of a node-postgres client; answered here by postgres.js. Its
 * queries bind only keys, points and times (epoch ms, or null for no expiry).
 */
interface PgClient {
  query(q: { text: string; values?: (string | number | null)[]; name?: string }): Promise<{
    rows: Record<string, unknown>[];
    rowCount: number;
  }>;
}

// postgres.js prepares by query text on its own, so the statement name is not needed.
function pgClient(sql: Sql | TransactionSql): PgClient {
  return {
    async query({ text, values = [] }) {
      const rows = await sql.unsafe(text, values);
      return { rows: [...rows], rowCount: rows.count };
    },
  };
}

/**
 * A fixed-window counter in table `rate_limits` (migration 0008), shared by every API process.
 * Bound to `sql`, or to one transaction: then what it counts commits or rolls back with it.
 */
export function fixedWindow(
  sql: Sql | TransactionSql,
  name: string,
  rate: Rate,
  opts: { sweep?: boolean } = {},
): RateLimiterPostgres {
  return new RateLimiterPostgres({
    storeClient: pgClient(sql),
    storeType: 'client',
    tableName: 'rate_limits',
    tableCreated: true,
    keyPrefix: name,
    points: rate.points,
    duration: rate.windowMs / 1000,
    // One sweeper per process is enough; limiters bound to a transaction never sweep.
    clearExpiredByTimeout: opts.sweep ?? false,
  });
}

/** Takes `points` from `key`'s window: undefined when they fit, else the ms until the window ends. */
export async function take(
  limiter: RateLimiterPostgres,
  key: string,
  points = 1,
): Promise<number | undefined> {
  try {
    await limiter.consume(key, points);
    return undefined;
  } catch (err) {
    if (err instanceof RateLimiterRes) return Math.max(1, err.msBeforeNext);
    throw err;
  }
}
