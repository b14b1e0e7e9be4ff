import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import type { AppEnv, RouteDeps } from '../http/env.ts';
import { newGuestLimit } from '../limits/per-address.ts';

/** Guest identity: anyone may start a session; the token is the guest's key to their rows. */
export function sessionRoutes(deps: RouteDeps<'sql' | 'tokens', 'trustProxyHops' | 'limits'>) {
  return new Hono<AppEnv>().post('/', newGuestLimit(deps), async (c) => {
    const ownerId = randomUUID();
    await deps.sql`insert into owners (id) values (${ownerId})`;
    const token = await deps.tokens.sign(ownerId);
    return c.json({ token, ownerId }, 201);
  });
}
