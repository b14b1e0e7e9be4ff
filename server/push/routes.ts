import { Hono } from 'hono';
import { z } from 'zod';
import type { VapidKeys } from '../auth/signing.ts';
import { Refusal } from '../errors.ts';
import { requireOwner } from '../http/auth.ts';
import type { AppEnv, RouteDeps } from '../http/env.ts';
import { jsonBody } from '../http/request.ts';
import { checkMediaUrl, MediaRefused } from '../media/address.ts';

// A device keeps at most this many subscriptions per owner; the oldest goes first. A browser makes
// one per origin, so more means a flood, not phones.
const MAX_PER_OWNER = 20;

const base64url = (bytes: number, what: string) =>
  z
    .string()
    .regex(/^[A-Za-z0-9_-]+={0,2}$/, `${what} must be base64url`)
    .refine((s) => Buffer.from(s, 'base64url').length === bytes, `${what} must be ${bytes} bytes`);

/** A browser's PushSubscription as `toJSON()` gives it. */
export const PushSubscriptionBody = z.object({
  endpoint: z.string().max(2000),
  keys: z.object({
    p256dh: base64url(65, 'keys.p256dh'),
    auth: base64url(16, 'keys.auth'),
  }),
});

export const PushEndpointBody = z.object({ endpoint: z.string().max(2000) });

/**
 * Web Push subscriptions, one per device. The endpoint is outside input: this server will post
 * to it, so it must pass the media policy (https to a public address) before it is kept.
 */
export function pushRoutes(
  deps: RouteDeps<'sql' | 'tokens', 'mediaTrustedHosts'>,
  vapid: Pick<VapidKeys, 'publicKey'>,
) {
  return new Hono<AppEnv>()
    .get('/key', (c) => c.json({ publicKey: vapid.publicKey }))
    .put('/subscriptions', requireOwner(deps), async (c) => {
      const body = await jsonBody(c, PushSubscriptionBody, {
        invalid: (error) =>
          `send the browser's subscription, {"endpoint", "keys": {"p256dh", "auth"}}: ${z.prettifyError(error)}`,
      });
      try {
        checkMediaUrl(body.endpoint, deps.config.mediaTrustedHosts);
      } catch (err) {
        if (!(err instanceof MediaRefused)) throw err;
        throw new Refusal(
          'unprocessable',
          `notifications cannot be sent to that address: ${err.message}`,
        );
      }
      const ownerId = c.get('ownerId');
      await deps.sql.begin(async (tx) => {
        // A device that changed owner (a resume link) takes its endpoint along.
        await tx`
          insert into push_subscriptions (endpoint, owner_id, p256dh, auth)
          values (${body.endpoint}, ${ownerId}, ${body.keys.p256dh}, ${body.keys.auth})
          on conflict (endpoint) do update
            set owner_id = excluded.owner_id, p256dh = excluded.p256dh, auth = excluded.auth,
                created_at = now()`;
        await tx`
          delete from push_subscriptions
          where owner_id = ${ownerId} and endpoint not in (
            select endpoint from push_subscriptions where owner_id = ${ownerId}
            order by created_at desc limit ${MAX_PER_OWNER})`;
      });
      return c.json({ subscribed: true }, 201);
    })
    .delete('/subscriptions', requireOwner(deps), async (c) => {
      const body = await jsonBody(c, PushEndpointBody, {
        invalid: () => 'send {"endpoint": "<the subscription\'s endpoint>"}',
      });
      const removed = await deps.sql`
        delete from push_subscriptions
        where endpoint = ${body.endpoint} and owner_id = ${c.get('ownerId')}`;
      return c.json({ removed: removed.count });
    });
}
