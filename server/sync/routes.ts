import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { MAX_SYNC_BODY_BYTES, SyncRequest } from '../../schema/ops.ts';
import { requireOwner } from '../http/auth.ts';
import type { AppDeps, AppEnv } from '../http/env.ts';
import { httpError } from '../http/errors.ts';
import type { Generation } from '../slots/generation.ts';
import { applyOps } from './apply.ts';

/** POST /api/sync: the only write path. Answers every op; never half-writes one. */
export function syncRoutes(deps: AppDeps, generation: Generation) {
  return new Hono<AppEnv>().post(
    '/',
    requireOwner(deps),
    bodyLimit({
      maxSize: MAX_SYNC_BODY_BYTES,
      // The rest of an oversized body is never read, so the connection cannot be reused.
      onError: (c) => {
        c.header('connection', 'close');
        return c.json(
          {
            error: `a sync batch may be at most ${MAX_SYNC_BODY_BYTES} bytes; send fewer ops per batch`,
            requestId: c.get('requestId'),
          },
          413,
        );
      },
    }),
    async (c) => {
      const body = await c.req.json().catch(() => {
        throw httpError(400, 'the body is not JSON');
      });
      const parsed = SyncRequest.safeParse(body);
      if (!parsed.success) {
        const detail = parsed.error.issues
          .map((i) => `${i.path.join('.') || 'body'}: ${i.message}`)
          .join('; ');
        throw httpError(400, `invalid sync request: ${detail}`);
      }
      const results = await applyOps(
        deps.sql,
        parsed.data.ops,
        {
          ownerId: c.get('ownerId'),
          provider: generation.providerId,
          workerId: generation.workerId,
          leaseMs: deps.config.timing.slotLeaseMs,
        },
        (claimed) => generation.start(claimed),
      );
      return c.json({ results });
    },
  );
}
