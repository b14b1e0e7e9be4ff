import { z } from './zod.ts';
import { TakeIndex } from './ops.ts';

/** How an order is paid: a card through Stripe, the demo checkout, or the owner's credits. */
export type OrderMethod = 'stripe' | 'demo' | 'credits';

/** Why an order ended without unlocking anything: another order paid for these songs first. */
export type OrderEndReason = 'already_paid';

/** One song of an order: the take chosen for it, frozen when the order is made. */
export const OrderItem = z.object({
  songIndex: z.number().int().min(0).max(4),
  slotId: z.uuid(),
  take: TakeIndex,
  takeId: z.uuid(),
  title: z.string().nullable(),
});
export type OrderItem = z.infer<typeof OrderItem>;
