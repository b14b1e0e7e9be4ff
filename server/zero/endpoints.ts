import { mustGetQuery } from '@rocicorp/zero';
import { handleMutateRequest, handleQueryRequest } from '@rocicorp/zero/server';
import { zeroPostgresJS } from '@rocicorp/zero/server/adapters/postgresjs';
import { Hono } from 'hono';
import { queries } from '../../schema/queries.ts';
import { schema } from '../../schema/zero.ts';
import { bearerToken } from '../auth/token.ts';
import type { AppEnv, RouteDeps } from '../http/env.ts';

/**
 * The endpoints zero-cache calls (ZERO_QUERY_URL, ZERO_MUTATE_URL). zero-cache forwards the
 * client's `Authorization` header; the owner comes from that verified token only.
 */
export function zeroRoutes(deps: RouteDeps<'sql' | 'tokens'>) {
  const dbProvider = zeroPostgresJS(schema, deps.sql);
  const ownerFrom = async (header: string | undefined) => {
    const token = bearerToken(header);
    return token ? deps.tokens.verify(token) : null;
  };

  return (
    new Hono<AppEnv>()
      .post('/query', async (c) => {
        const ownerId = await ownerFrom(c.req.header('authorization'));
        // 401 moves the client to `needs-auth` rather than retrying forever.
        if (!ownerId) return c.json({ error: 'invalid or missing token' }, 401);
        const ctx = { ownerId };
        const result = await handleQueryRequest({
          handler: (name, args) => mustGetQuery(queries, name).fn({ args, ctx }),
          schema,
          userID: ownerId,
          request: c.req.raw,
        });
        return c.json(result);
      })
      // Writes never go through Zero (they go through the outbox and /api/sync), but zero-cache
      // still calls this endpoint for its own bookkeeping, so it must answer.
      .post('/mutate', async (c) => {
        const ownerId = await ownerFrom(c.req.header('authorization'));
        if (!ownerId) return c.json({ error: 'invalid or missing token' }, 401);
        const result = await handleMutateRequest({
          dbProvider,
          handler: async (_transact, mutation) => {
            throw new Error(`Zero mutators are not used; send ${mutation.name} to /api/sync`);
          },
          userID: ownerId,
          request: c.req.raw,
        });
        return c.json(result);
      })
  );
}
