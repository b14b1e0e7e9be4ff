import { Hono } from 'hono';
import { z } from 'zod';
import { requireOwner } from '../http/auth.ts';
import type { AppEnv, RouteDeps } from '../http/env.ts';
import { jsonBody, uuidParam } from '../http/request.ts';
import type { Checkout } from './checkout.ts';

/**
 * Only how to pay is read. Anything else a client sends, a price among them, is dropped by the
 * schema: the server prices the package itself.
 */
export const CheckoutRequest = z.object({
  method: z.enum(['card', 'stripe', 'demo', 'credits']).default('card'),
});

/** POST /api/forms/:formId/checkout — `{orderId, url, status, …}`; see docs/payments.md. */
export function checkoutRoutes(deps: RouteDeps<'tokens'>, checkout: Checkout) {
  return new Hono<AppEnv>().post('/:formId/checkout', requireOwner(deps), async (c) => {
    const formId = uuidParam(c, 'formId');
    const request = await jsonBody(c, CheckoutRequest, {
      empty: {},
      invalid: (error) => `invalid checkout request: ${z.prettifyError(error)}`,
    });
    const pay = request.method === 'credits' ? 'credits' : 'checkout';
    return c.json(await checkout.start(c.get('ownerId'), formId, pay));
  });
}
