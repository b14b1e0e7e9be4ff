import { Hono } from 'hono';
import type { AppEnv, RouteDeps } from '../http/env.ts';
import type { WriterSummary } from '../writer/index.ts';

const CHECK_TIMEOUT_MS = 2_000;

/**
 * 200 when every part answers; 503 naming the part that does not. `writing` is the writer in use
 * and, for Groq, its model and request shape: what an operator checks before blaming the songs.
 */
export function healthRoutes(
  deps: RouteDeps<'sql' | 'isSyncUp', 'payments' | 'provider' | 'writer'>,
  writing: WriterSummary,
) {
  return new Hono<AppEnv>().get('/', async (c) => {
    const [db, sync] = await Promise.all([
      withTimeout(deps.sql`select 1`.then(() => true)),
      withTimeout(deps.isSyncUp()),
    ]);
    const body = {
      ok: db && sync,
      db: db ? 'up' : 'down',
      sync: sync ? 'up' : 'down',
      provider: deps.config.provider,
      writer: deps.config.writer,
      writing,
      payments: deps.config.payments,
    };
    c.header('cache-control', 'no-store');
    return c.json(body, body.ok ? 200 : 503);
  });
}

async function withTimeout(check: Promise<boolean>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), CHECK_TIMEOUT_MS);
  });
  try {
    return await Promise.race([check.catch(() => false), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
