import { Hono } from 'hono';
import type { Sql } from 'postgres';
import { requireOwner } from '../http/auth.ts';
import type { AppEnv, RouteDeps } from '../http/env.ts';

/** Every API process listens here and closes the live sync sockets of the owner named. */
export const SIGNED_OUT_CHANNEL = 'refrain_signed_out';

/**
 * Ends every token of an owner issued so far, and every one-time link still open, in one
 * transaction; other processes hear of it after commit (NOTIFY is transactional).
 */
export async function signOutEverywhere(sql: Sql, ownerId: string): Promise<void> {
  await sql.begin(async (tx) => {
    await tx`update owners set token_version = token_version + 1 where id = ${ownerId}`;
    await tx`update resume_codes set used_at = now() where owner_id = ${ownerId} and used_at is null`;
    await tx`select pg_notify(${SIGNED_OUT_CHANNEL}, ${ownerId})`;
  });
}

/**
 * GET /api/session — who this token belongs to (401 once it no longer works), so a device can
 * tell it was signed out even when it has nothing to send.
 * POST /api/session/sign-out-everywhere — for a lost phone or a shared computer: every other
 * device and link stops working; the device that asked gets a new token and stays signed in.
 */
export function signOutRoutes(deps: RouteDeps<'sql' | 'tokens'>) {
  return new Hono<AppEnv>()
    .get('/', requireOwner(deps), (c) => {
      c.header('cache-control', 'no-store');
      return c.json({ ownerId: c.get('ownerId') });
    })
    .post('/sign-out-everywhere', requireOwner(deps), async (c) => {
      const ownerId = c.get('ownerId');
      await signOutEverywhere(deps.sql, ownerId);
      return c.json({ token: await deps.tokens.sign(ownerId), ownerId });
    });
}
