import type { Sql } from 'postgres';
import type { OrderItem, OrderMethod } from '../../schema/orders.ts';
import type { Config } from '../config.ts';
import { faultPoint } from '../faults.ts';
import { logger } from '../log.ts';
import { renderReceiptEmail, type ReceiptFacts } from './email.ts';
import { SEND_LEASE_MS, type MailSender } from './smtp.ts';

const log = logger('receipts');

export const ORDER_PAID_CHANNEL = 'refrain_order_paid';

// A payment heard by no process (all restarting) is found by the sweep, for a day after it was
// paid; an older order's receipt is in the app. Turning SMTP_URL on mails no backlog either.
const SWEEP_WINDOW = '1 day';
const SWEEP_MS = 15_000;
const BACKOFF_CAP_MS = 3_600_000;
const BATCH = 20;

type MailConfig = NonNullable<Config['mail']>;

interface ClaimedRow {
  order_id: string;
  recipient: string;
  attempts: number;
}

interface OrderRow {
  id: string;
  form_id: string;
  receipt_number: string | null;
  method: OrderMethod;
  amount_cents: number;
  currency: string;
  credits_spent: number;
  paid_at: Date;
  items: OrderItem[];
}

/**
 * Emails each paid order's receipt to the address its buyer gave, once. Every API process hears
 * each payment (and sweeps for any it missed); the order's row in receipt_emails is made once (its
 * key), and a send happens only after a conditional update moved that row to 'sending', which one
 * process wins. A send the server refused or never got is retried with backoff by the sweep; one
 * whose outcome is unknown (the process died, or the connection dropped after the message went
 * out) is never sent again: a second receipt is worse than one kept in the app (docs/receipts.md).
 */
export class ReceiptMailer {
  private timer: NodeJS.Timeout | undefined;
  private listener: { unlisten: () => Promise<void> } | undefined;
  private sweeping: Promise<void> | undefined;
  private readonly heard = new Set<Promise<void>>();
  private stopped = false;

  constructor(
    private readonly sql: Sql,
    private readonly config: Pick<Config, 'publicUrl'> & { mail: MailConfig },
    private readonly sender: MailSender,
  ) {}

  async start(): Promise<void> {
    this.listener = await this.sql.listen(ORDER_PAID_CHANNEL, (orderId) => {
      if (this.stopped) return;
      const work = this.mailOrder(orderId)
        .catch((err) =>
          log.warn('receipt email failed; the sweep tries again', { orderId, error: String(err) }),
        )
        .finally(() => this.heard.delete(work));
      this.heard.add(work);
    });
    const interval = Math.min(SWEEP_MS, this.config.mail.retryMs);
    const sweep = () => {
      this.sweeping = this.sweep()
        .catch((err) => log.warn('receipt sweep failed', { error: String(err) }))
        .finally(() => {
          this.sweeping = undefined;
          if (!this.stopped) this.timer = setTimeout(sweep, interval).unref();
        });
    };
    sweep();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.listener?.unlisten().catch(() => undefined);
    // A send under way is let finish, so its outcome is recorded rather than left in doubt.
    await Promise.all([this.sweeping, ...this.heard]);
    this.sender.close();
  }

  /** Queues the receipt of a paid order whose buyer gave an address, and sends it if due. */
  async mailOrder(orderId: string): Promise<void> {
    await this.sql`
      insert into receipt_emails (order_id, recipient)
      select id, buyer_email from orders
      where id = ${orderId} and status = 'paid' and buyer_email is not null
        and paid_at > now() - ${SWEEP_WINDOW}::interval
      on conflict do nothing`;
    await this.deliver(orderId);
  }

  /** Missed payments, sends left by a dead process, and retries that are due. */
  async sweep(): Promise<void> {
    const { sql } = this;
    await sql`
      insert into receipt_emails (order_id, recipient)
      select o.id, o.buyer_email from orders o
      where o.status = 'paid' and o.buyer_email is not null
        and o.paid_at > now() - ${SWEEP_WINDOW}::interval
        and not exists (select 1 from receipt_emails r where r.order_id = o.id)
      on conflict do nothing`;
    const lost = await sql<{ order_id: string }[]>`
      update receipt_emails set status = 'unknown', lease_until = null,
        last_error = 'the sending process stopped before the outcome was recorded'
      where status = 'sending' and lease_until < now()
      returning order_id`;
    for (const { order_id } of lost) {
      log.warn('a receipt email was cut off mid-send; it is not sent again', {
        orderId: order_id,
      });
    }
    const due = await sql<{ order_id: string }[]>`
      select order_id from receipt_emails
      where status = 'queued' and next_at <= now()
      order by next_at limit ${BATCH}`;
    for (const { order_id } of due) await this.deliver(order_id);
  }

  /** Sends one receipt if this process wins its claim; records what came of it. */
  private async deliver(orderId: string): Promise<void> {
    const { sql } = this;
    const [claimed] = await sql<ClaimedRow[]>`
      update receipt_emails set status = 'sending', attempts = attempts + 1,
        lease_until = now() + ${SEND_LEASE_MS} * interval '1 millisecond'
      where order_id = ${orderId} and status = 'queued' and next_at <= now()
      returning order_id, recipient, attempts`;
    if (!claimed) return;
    let email;
    try {
      email = renderReceiptEmail(await this.factsOf(orderId), this.config.publicUrl);
    } catch (err) {
      await this.notSent(claimed, `the receipt could not be read: ${String(err)}`, false);
      return;
    }
    const result = await this.sender.send({
      from: this.config.mail.from,
      to: claimed.recipient,
      ...email,
    });
    if (result.kind === 'sent') faultPoint('after-receipt-email');
    switch (result.kind) {
      case 'sent':
        await sql`
          update receipt_emails set status = 'sent', sent_at = now(), lease_until = null,
            message_id = ${result.messageId}, last_error = null
          where order_id = ${orderId}`;
        log.info('receipt emailed', { orderId, attempts: claimed.attempts });
        return;
      case 'not-sent':
        await this.notSent(claimed, result.reason, result.permanent);
        return;
      case 'unknown':
        await sql`
          update receipt_emails set status = 'unknown', lease_until = null,
            last_error = ${result.reason}
          where order_id = ${orderId}`;
        log.warn('receipt email outcome unknown; it is not sent again', {
          orderId,
          reason: result.reason,
        });
    }
  }

  /** Nothing reached the mail server: tried again after a while, or given up for good. */
  private async notSent(row: ClaimedRow, reason: string, permanent: boolean): Promise<void> {
    if (permanent || row.attempts >= this.config.mail.maxAttempts) {
      await this.sql`
        update receipt_emails set status = 'failed', lease_until = null, last_error = ${reason}
        where order_id = ${row.order_id}`;
      log.warn('receipt email given up', { orderId: row.order_id, attempts: row.attempts, reason });
      return;
    }
    const delayMs = Math.min(
      this.config.mail.retryMs * 2 ** Math.max(0, row.attempts - 1),
      BACKOFF_CAP_MS,
    );
    await this.sql`
      update receipt_emails set status = 'queued', lease_until = null, last_error = ${reason},
        next_at = now() + ${delayMs} * interval '1 millisecond'
      where order_id = ${row.order_id}`;
    log.info('receipt email not sent; retrying later', {
      orderId: row.order_id,
      attempts: row.attempts,
      retryInMs: delayMs,
      reason,
    });
  }

  private async factsOf(orderId: string): Promise<ReceiptFacts> {
    const [order] = await this.sql<OrderRow[]>`
      select id, form_id, receipt_number, method, amount_cents, currency, credits_spent, paid_at, items
      from orders where id = ${orderId}`;
    if (!order) throw new Error('the order is gone');
    const gifts = await this.sql<
      { code: string; song_index: number | null; to_name: string | null }[]
    >`
      select code, song_index, to_name from gifts
      where form_id = ${order.form_id} and revoked_at is null
      order by created_at`;
    return {
      orderId: order.id,
      formId: order.form_id,
      receiptNumber: order.receipt_number,
      method: order.method,
      amountCents: order.amount_cents,
      currency: order.currency,
      creditsSpent: order.credits_spent,
      paidAt: order.paid_at,
      items: order.items,
      gifts: gifts.map((g) => ({ code: g.code, songIndex: g.song_index, toName: g.to_name })),
    };
  }
}
