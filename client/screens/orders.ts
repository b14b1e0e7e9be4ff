import { formatMoney } from '../../schema/currency.ts';
import type { OrderEndReason } from '../../schema/orders.ts';
import type { OrderStatus } from '../../schema/status.ts';

/** `1 credit`, `3 credits`. */
export const credits = (n: number) => `${n} credit${n === 1 ? '' : 's'}`;

interface OrderRow {
  status: OrderStatus;
  amountCents: number;
  currency: string;
  endReason?: OrderEndReason | null | undefined;
  refundedAt?: number | null | undefined;
}

/**
 * What became of an order, in words: "Paid", or for one that ended without unlocking anything,
 * why and what happened to the money. The server decides; this only says it.
 */
export function orderOutcome(o: OrderRow): string {
  const amount = formatMoney(o.amountCents, o.currency);
  switch (o.status) {
    case 'paid':
      return 'Paid';
    case 'pending':
      return 'Waiting for payment';
    case 'failed':
      return 'Payment failed — nothing was charged';
    case 'expired':
      return o.endReason === 'already_paid'
        ? 'Closed — these songs were already paid for; nothing was charged'
        : 'Expired — nothing was charged';
    case 'refunded':
      return o.refundedAt
        ? `Refunded — these songs were already paid for; ${amount} returned to your card`
        : `Refund under way — these songs were already paid for; ${amount} is going back to your card`;
    default:
      return o.status;
  }
}
