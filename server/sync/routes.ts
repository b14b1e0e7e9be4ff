import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { MAX_SYNC_BODY_BYTES, SyncBatch } from '../../schema/ops.ts';
import { isTransient } from '../db/transient.ts';
import { requireOwner } from '../http/auth.ts';
import type { AppEnv, RouteDeps } from '../http/env.ts';
import { jsonBody } from '../http/request.ts';
import { unavailable } from '../http/errors.ts';
import { OwnerLimits } from '../limits/owner.ts';
import { tooMany } from '../limits/per-address.ts';
import type { Metrics } from '../metrics/metrics.ts';
import type { Generation } from '../slots/generation.ts';
import { applyOps } from './apply.ts';

const CONNECTION_LOST =
  'The server lost its database connection for a moment. Your changes are kept and will be sent again.';

/**
 * POST /api/sync: the only write path. Answers every op; never half-writes one. When an op was
 * limited the answer is 429 with Retry-After, still carrying every op's result. When the
 * database connection was lost it is 503 with Retry-After: the batch is sent again as it was.
 */
export function syncRoutes(
  deps: RouteDeps<'sql' | 'tokens', 'limits' | 'timing'>,
  generation: Generation,
  metrics?: Pick<Metrics, 'sync'>,
) {
  const limits = new OwnerLimits(deps.sql, deps.config.limits);
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
      const batch = await jsonBody(c, SyncBatch, {
        invalid: (error) =>
          `invalid sync request (a JSON object with clientId and a list of ops): ${error.issues
            .map((i) => `${i.path.join('.') || 'body'}: ${i.message}`)
            .join('; ')}`,
      });
      const started = performance.now();
      const results = await applyOps(
        deps.sql,
        batch.ops,
        {
          ownerId: c.get('ownerId'),
          provider: generation.providerId,
          workerId: generation.workerId,
          leaseMs: deps.config.timing.slotLeaseMs,
        },
        { afterCommit: (claimed) => generation.start(claimed), limits },
      ).catch((err: unknown) => {
        metrics?.sync([], [], (performance.now() - started) / 1000, 'error');
        throw isTransient(err) ? unavailable(CONNECTION_LOST, err) : err;
      });
      const limited = results.filter((r) => r.status === 'limited');
      const seconds = (performance.now() - started) / 1000;
      metrics?.sync(batch.ops, results, seconds, limited.length ? 'limited' : 'ok');
      if (limited.length === 0) return c.json({ results });
      // The first limited op is the cause; the ones after it of the same form only wait for it.
      const retryAfterMs = Math.min(...limited.map((r) => r.retryAfterMs!));
      return tooMany(c, { retryAfterMs, message: limited[0]!.error! }, { results });
    },
  );
}
