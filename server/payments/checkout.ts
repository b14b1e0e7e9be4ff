import { randomUUID } from 'node:crypto';
import type { Sql } from 'postgres';
import type { DraftDoc } from '../../schema/draft.ts';
import type { OrderMethod } from '../../schema/orders.ts';
import type { OrderStatus } from '../../schema/status.ts';
import type { Config } from '../config.ts';
import { Refusal } from '../errors.ts';
import { creditBalance, notEnoughCredits, spendCredits } from './credits.ts';
import { formUrl, type CheckoutGateway } from './gateway.ts';
import {
  closeOpenOrders,
  expireStaleOrders,
  findPaidOrder,
  insertOrder,
  lockFormRow,
  lockPendingOrder,
  markPaid,
  type Order,
} from './orders.ts';
import { priceFor } from './price.ts';
import { selectedItems, selectionHash } from './selection.ts';
import type { Settlement } from './settlement.ts';
import { requireOwnForm } from '../ownership.ts';

export interface CheckoutAnswer {
  orderId: string;
  status: OrderStatus;
  method: OrderMethod;
  /** Where to send the person: the payment page, or the form once paid. */
  url: string;
  amountCents: number;
  currency: string;
  creditsSpent: number;
  /** The balance after paying with credits. */
  credits?: number;
}

interface FormRow {
  id: string;
  owner_id: string;
  song_count: number;
  draft: DraftDoc;
}

// An order can be paid or ended between inserting it and locking it; a few looks settle it.
const MAX_LOOKS = 3;

/**
 * Starts paying for a form's chosen takes. The price comes from config and the package size,
 * never from the request. Each choice of takes has one open order per method, so a double click
 * or a replayed request answers the same order and the same session.
 */
export class Checkout {
  constructor(
    private readonly sql: Sql,
    private readonly config: Pick<Config, 'pricing' | 'publicUrl'>,
    private readonly gateway: CheckoutGateway,
    private readonly settlement: Settlement,
  ) {}

  async start(
    ownerId: string,
    formId: string,
    pay: 'checkout' | 'credits',
  ): Promise<CheckoutAnswer> {
    return pay === 'credits'
      ? this.payWithCredits(ownerId, formId)
      : this.openSession(ownerId, formId);
  }

  private async openSession(ownerId: string, formId: string): Promise<CheckoutAnswer> {
    const { sql, config, gateway } = this;
    const form = await loadForm(sql, formId, ownerId);
    const items = await selectedItems(sql, form.id, form.song_count);
    const hash = selectionHash(form.id, items);
    const price = priceFor(config.pricing, form.song_count);
    for (let look = 0; look < MAX_LOOKS; look++) {
      // Under the form's lock, like paying with credits: either that payment sees this order
      // and closes it, or this sees that payment and opens nothing.
      const paid = await sql.begin(async (tx) => {
        await lockFormRow(tx, form.id);
        const paid = await this.paidAlready(tx, form.id, hash);
        if (paid) return paid;
        await expireStaleOrders(tx, form.id);
        await insertOrder(tx, {
          id: randomUUID(),
          ownerId,
          formId: form.id,
          method: gateway.method,
          items,
          selectionHash: hash,
          songCount: form.song_count,
          amountCents: price.amountCents,
          currency: price.currency,
          buyerEmail: form.draft.buyerEmail || null,
        });
      });
      if (paid) return paid;
      const outcome = await sql.begin(async (tx) => {
        const order = await lockPendingOrder(tx, form.id, hash, gateway.method);
        if (!order) return undefined;
        if (order.session_id && order.checkout_url) return this.answer(order);
        // Asked while holding the order's row lock: a concurrent click waits here, then finds
        // the session, so the provider is asked once per order.
        const opened = await gateway.open(order);
        if (opened.kind === 'failed') {
          // The next attempt must not replay this failure under the same idempotency key.
          await tx`delete from orders where id = ${order.id} and session_id is null`;
          return opened;
        }
        await tx`
          update orders set session_id = ${opened.sessionId}, checkout_url = ${opened.url},
            session_expires_at = ${opened.expiresAt ?? null}, updated_at = now()
          where id = ${order.id}`;
        return this.answer({ ...order, session_id: opened.sessionId, checkout_url: opened.url });
      });
      if (!outcome) continue;
      if ('kind' in outcome) {
        throw new Refusal(
          'upstream',
          `the payment page could not be opened (${outcome.reason}); try again`,
        );
      }
      return outcome;
    }
    throw new Refusal('conflict', 'this checkout changed while it was being opened; try again');
  }

  /**
   * Pays from the owner's credits in one transaction: the order, the spend (a conditional update
   * that never goes below zero), the unlock and the end of the form's open card orders commit
   * together or not at all. The form's row lock makes a double click wait and then find the paid
   * order instead of spending twice. Their checkouts are closed after the commit.
   */
  private async payWithCredits(ownerId: string, formId: string): Promise<CheckoutAnswer> {
    const { answer, close } = await this.sql.begin(async (tx) => {
      const form = await loadForm(tx, formId, ownerId, true);
      const items = await selectedItems(tx, form.id, form.song_count);
      const hash = selectionHash(form.id, items);
      const paid = await this.paidAlready(tx, form.id, hash);
      if (paid)
        return { answer: { ...paid, credits: await creditBalance(tx, ownerId) }, close: [] };
      const { credits: needed, currency } = priceFor(this.config.pricing, form.song_count);
      const id = randomUUID();
      const inserted = await insertOrder(tx, {
        id,
        ownerId,
        formId: form.id,
        method: 'credits',
        items,
        selectionHash: hash,
        songCount: form.song_count,
        amountCents: 0,
        currency,
        creditsSpent: needed,
        buyerEmail: form.draft.buyerEmail || null,
      });
      if (!inserted)
        throw new Refusal('conflict', 'another payment for these songs is under way; try again');
      const balance = await spendCredits(tx, ownerId, needed);
      if (balance === undefined) throw notEnoughCredits(needed, await creditBalance(tx, ownerId));
      await markPaid(tx, id);
      const close = await closeOpenOrders(tx, form.id, id);
      const [order] = await tx<Order[]>`select * from orders where id = ${id}`;
      return { answer: { ...this.answer(order!), credits: balance }, close };
    });
    await this.settlement.followUp({ close, refund: [] });
    return answer;
  }

  /** A paid order for this exact choice answers the request again; one for another choice refuses it. */
  private async paidAlready(
    sql: Sql,
    formId: string,
    hash: string,
  ): Promise<CheckoutAnswer | undefined> {
    const paid = await findPaidOrder(sql, formId, hash);
    if (!paid) return undefined;
    if (paid.selection_hash === hash) return this.answer(paid);
    throw new Refusal(
      'state',
      `this form is paid already; its songs are at GET /api/forms/${formId}/downloads`,
    );
  }

  private answer(order: Order): CheckoutAnswer {
    const url =
      order.status === 'paid'
        ? `${formUrl(this.config, order.form_id)}?paid=1`
        : order.checkout_url!;
    return {
      orderId: order.id,
      status: order.status,
      method: order.method,
      url,
      amountCents: order.amount_cents,
      currency: order.currency,
      creditsSpent: order.credits_spent,
    };
  }
}

/** The caller's form; someone else's answers like a missing one. */
async function loadForm(sql: Sql, formId: string, ownerId: string, lock = false): Promise<FormRow> {
  const [form] = await sql<FormRow[]>`
    select id, owner_id, song_count, draft from forms where id = ${formId} ${lock ? sql`for update` : sql``}`;
  return requireOwnForm(form, ownerId, formId);
}
