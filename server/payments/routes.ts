import { Hono } from 'hono';
import { z } from 'zod';
import { Refusal } from '../errors.ts';
import { requireOwner } from '../http/auth.ts';
import type { AppDeps, AppEnv } from '../http/env.ts';
import type { Checkout } from './checkout.ts';

/**
 * Only how to pay is read. Anything else a client sends, a price among them, is dropped by the
 * schema: the server prices the package itself.
 */
export const CheckoutRequest = z.object({
  method: z.enum(['card', 'stripe', 'demo', 'credits']).default('card'),
});

/** POST /api/forms/:formId/checkout — `{orderId, url, status, …}`; see docs/payments.md. */
export function checkoutRoutes(deps: AppDeps, checkout: Checkout) {
  return new Hono<AppEnv>().post('/:formId/checkout', requireOwner(deps), async (c) => {
    const formId = z.uuid().safeParse(c.req.param('formId'));
    if (!formId.success) throw new Refusal('invalid', 'formId must be a UUID');
    const text = await c.req.text();
    let body: unknown = {};
    if (text.trim()) {
      try {
        body = JSON.parse(text);
      } catch {
        throw new Refusal('invalid', 'the body is not JSON');
      }
    }
    const request = CheckoutRequest.safeParse(body);
    if (!request.success)
      throw new Refusal('invalid', `invalid checkout request: ${z.prettifyError(request.error)}`);
    const pay = request.data.method === 'credits' ? 'credits' : 'checkout';
    return c.json(await checkout.start(c.get('ownerId'), formId.data, pay));
  });
}
