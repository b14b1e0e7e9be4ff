import type { Fragment, Sql, TransactionSql } from 'postgres';
import type { OrderMethod } from '../../schema/orders.ts';
import { logger } from '../log.ts';
import type { CheckoutGateway } from './gateway.ts';
import type { Order } from './orders.ts';

const log = logger('payments');

/** What a committed payment leaves for the gateway, by order id. */
export interface FollowUp {
  /** Orders closed because their songs were paid another way: their checkout must stop taking money. */
  close: string[];
  /** Orders whose payment came in for songs paid already: the money goes back. */
  refund: string[];
}

export const noFollowUp = (): FollowUp => ({ close: [], refund: [] });

const SWEEP_INTERVAL_MS = 60_000;
const BATCH = 50;

type Gateways = Partial<Record<OrderMethod, CheckoutGateway>>;

/**
 * The gateway calls a payment's transaction records but does not make: closing checkouts the
 * payment made pointless, and refunding payments for songs paid already. Each call is made after
 * the commit, while holding the order's row lock (skip locked: one process asks at a time, a
 * crash lets go at once), and marks its order done in the same transaction. A refund carries an
 * idempotency key, so a crash between Stripe's answer and that commit still refunds once. What did
 * not happen (a crash before the call, a gateway error) is picked up by the sweep: at start, then
 * every minute.
 */
export class Settlement {
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<void> | undefined;

  constructor(
    private readonly sql: Sql,
    private readonly gateways: Gateways,
  ) {}

  /** Never throws: whatever fails here is left recorded for the sweep. */
  async followUp(work: FollowUp): Promise<void> {
    for (const id of work.close) await this.close(id);
    for (const id of work.refund) await this.refund(id);
  }

  async refund(orderId: string): Promise<void> {
    await this.withOrder(
      orderId,
      (tx) => tx`status = 'refunded' and refunded_at is null`,
      async (tx, order, gateway) => {
        const result = await gateway.refund(order);
        if (result.kind === 'refunded') {
          await tx`
            update orders set refund_id = ${result.refundId}, refunded_at = now(), refund_error = null,
              refund_next_at = null, refund_attempts = refund_attempts + 1, updated_at = now()
            where id = ${order.id}`;
          log.info('refunded', { orderId: order.id, refundId: result.refundId });
          return;
        }
        await tx`
          update orders set refund_attempts = refund_attempts + 1, refund_error = ${result.reason},
            refund_next_at = now() + least(interval '1 hour', interval '30 seconds' * power(2, refund_attempts)),
            updated_at = now()
          where id = ${order.id}`;
      },
    );
  }

  async close(orderId: string): Promise<void> {
    await this.withOrder(
      orderId,
      (tx) => tx`status = 'expired' and end_reason = 'already_paid' and session_closed_at is null`,
      async (tx, order, gateway) => {
        const result = await gateway.close(order);
        if (result.kind === 'closed') {
          await tx`update orders set session_closed_at = now(), updated_at = now() where id = ${order.id}`;
        }
      },
    );
  }

  /** Refunds and closes that are due, from any process that crashed or failed before them. */
  async sweep(): Promise<void> {
    const { sql } = this;
    const methods = Object.keys(this.gateways);
    // A checkout past its expiry can take no money; it needs no call.
    await sql`
      update orders set session_closed_at = now()
      where status = 'expired' and end_reason = 'already_paid' and session_closed_at is null
        and (session_id is null or session_expires_at < now())`;
    const refunds = await sql<{ id: string }[]>`
      select id from orders
      where status = 'refunded' and refunded_at is null and refund_next_at <= now()
        and method = any(${methods})
      order by refund_next_at limit ${BATCH}`;
    for (const { id } of refunds) await this.refund(id);
    const closes = await sql<{ id: string }[]>`
      select id from orders
      where status = 'expired' and end_reason = 'already_paid' and session_closed_at is null
        and method = any(${methods})
      order by updated_at limit ${BATCH}`;
    for (const { id } of closes) await this.close(id);
  }

  start(): void {
    const run = () => {
      this.sweeping ??= this.sweep()
        .catch((err) => log.error('payment sweep failed', { error: String(err) }))
        .finally(() => (this.sweeping = undefined));
    };
    run();
    this.timer = setInterval(run, SWEEP_INTERVAL_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.sweeping;
  }

  private async withOrder(
    orderId: string,
    due: (tx: TransactionSql) => Fragment,
    act: (tx: TransactionSql, order: Order, gateway: CheckoutGateway) => Promise<void>,
  ): Promise<void> {
    try {
      await this.sql.begin(async (tx) => {
        const [order] = await tx<Order[]>`
          select * from orders where id = ${orderId} and ${due(tx)} for update skip locked`;
        const gateway = order && this.gateways[order.method];
        if (!order || !gateway) return;
        await act(tx, order, gateway);
      });
    } catch (err) {
      log.error('a payment follow-up failed; the sweep retries it', {
        orderId,
        error: String(err),
      });
    }
  }
}
