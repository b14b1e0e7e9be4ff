import type { Sql, TransactionSql } from 'postgres';
import type { OrderEndReason, OrderItem, OrderMethod } from '../../schema/orders.ts';
import type { OrderStatus } from '../../schema/status.ts';
import { jsonb } from '../db/jsonb.ts';

export interface Order {
  id: string;
  owner_id: string;
  form_id: string;
  method: OrderMethod;
  status: OrderStatus;
  items: OrderItem[];
  selection_hash: string;
  song_count: number;
  amount_cents: number;
  currency: string;
  credits_spent: number;
  session_id: string | null;
  checkout_url: string | null;
  session_expires_at: Date | null;
  buyer_email: string | null;
  receipt_number: string | null;
  payment_intent: string | null;
  paid_at: Date | null;
  end_reason: OrderEndReason | null;
  paid_by_order: string | null;
  session_closed_at: Date | null;
  refund_requested_at: Date | null;
  refund_id: string | null;
  refunded_at: Date | null;
  refund_attempts: number;
}

export interface NewOrder {
  id: string;
  ownerId: string;
  formId: string;
  method: OrderMethod;
  items: OrderItem[];
  selectionHash: string;
  songCount: number;
  amountCents: number;
  currency: string;
  creditsSpent?: number;
  buyerEmail?: string | null;
  sessionId?: string | null;
  status?: OrderStatus;
}

/** What a payment told us, kept on the order as its receipt. */
export interface PaymentFacts {
  sessionId?: string | null;
  amountCents?: number | null;
  currency?: string | null;
  paymentIntent?: string | null;
  email?: string | null;
}

/**
 * Inserts an order unless an open one for the same form, selection and method exists (the
 * unique index decides, so concurrent requests end with one). Returns whether this call inserted.
 */
export async function insertOrder(sql: Sql, o: NewOrder): Promise<boolean> {
  const rows = await sql`
    insert into orders (id, owner_id, form_id, method, status, items, selection_hash, song_count,
                        amount_cents, currency, credits_spent, buyer_email, session_id)
    values (${o.id}, ${o.ownerId}, ${o.formId}, ${o.method}, ${o.status ?? 'pending'}, ${jsonb(sql, o.items)},
            ${o.selectionHash}, ${o.songCount}, ${o.amountCents}, ${o.currency}, ${o.creditsSpent ?? 0},
            ${o.buyerEmail ?? null}, ${o.sessionId ?? null})
    on conflict do nothing
    returning id`;
  return rows.length > 0;
}

/** The open order for this choice, locked until the transaction ends. */
export async function lockPendingOrder(
  tx: TransactionSql,
  formId: string,
  selectionHash: string,
  method: OrderMethod,
): Promise<Order | undefined> {
  const [order] = await tx<Order[]>`
    select * from orders
    where form_id = ${formId} and selection_hash = ${selectionHash} and method = ${method} and status = 'pending'
    for update`;
  return order;
}

/** A paid order of the form, preferring the one for this exact choice. */
export async function findPaidOrder(
  sql: Sql,
  formId: string,
  selectionHash: string,
): Promise<Order | undefined> {
  const [order] = await sql<Order[]>`
    select * from orders where form_id = ${formId} and status = 'paid'
    order by (selection_hash = ${selectionHash}) desc, paid_at
    limit 1`;
  return order;
}

/** The order a Checkout Session belongs to, by its session id or its client_reference_id; locked. */
export async function lockOrderOfSession(
  tx: TransactionSql,
  sessionId: string,
  orderId: string | undefined,
): Promise<Order | undefined> {
  const [order] = await tx<Order[]>`
    select * from orders
    where session_id = ${sessionId} or id = ${orderId ?? null}::uuid
    order by (session_id = ${sessionId}) desc nulls last
    limit 1
    for update`;
  return order;
}

/** What the payment reported, kept on the order as its receipt; what Stripe says wins. */
function receiptOf(tx: TransactionSql, facts: PaymentFacts) {
  return tx`
    receipt_number = 'RF-' || lpad(nextval('receipt_numbers')::text, 6, '0'),
    session_id = coalesce(session_id, ${facts.sessionId ?? null}),
    amount_cents = coalesce(${facts.amountCents ?? null}::int, amount_cents),
    currency = coalesce(${facts.currency ?? null}, currency),
    payment_intent = coalesce(${facts.paymentIntent ?? null}, payment_intent),
    buyer_email = coalesce(buyer_email, ${facts.email ?? null})`;
}

/**
 * Marks an order paid and unlocks its takes, once: the conditional update is the guard, the
 * unlock rows are keyed by take, the form's chosen takes become the ones bought, and the form
 * becomes paid. Returns false when it was paid (or refunded) already. Any open or ended state may
 * become paid (money taken is never ignored); paid never goes back. The caller holds the form's
 * lock and has made sure no other order paid for it.
 */
export async function markPaid(
  tx: TransactionSql,
  orderId: string,
  facts: PaymentFacts = {},
): Promise<boolean> {
  const [order] = await tx<{ owner_id: string; form_id: string }[]>`
    update orders set
      status = 'paid', paid_at = now(), ended_at = null, updated_at = now(),
      end_reason = null, paid_by_order = null, ${receiptOf(tx, facts)}
    where id = ${orderId} and status not in ('paid', 'refunded')
    returning owner_id, form_id`;
  if (!order) return false;
  await tx`
    insert into unlocks (take_id, order_id, owner_id, form_id, song_index)
    select (item->>'takeId')::uuid, ${orderId}, ${order.owner_id}, ${order.form_id}, (item->>'songIndex')::int
    from orders, jsonb_array_elements(items) item
    where orders.id = ${orderId}
    on conflict (take_id) do nothing`;
  // The choice may have changed on another device after this checkout opened; what was bought is
  // what stays chosen, or the form would show takes nobody paid for and refuse the paid ones.
  await tx`
    insert into selections (form_id, song_index, owner_id, slot_id, take_index)
    select ${order.form_id}, (item->>'songIndex')::int, ${order.owner_id}, (item->>'slotId')::uuid, (item->>'take')::int
    from orders, jsonb_array_elements(items) item
    where orders.id = ${orderId}
    on conflict (form_id, song_index) do update
      set slot_id = excluded.slot_id, take_index = excluded.take_index, updated_at = now()
      where (selections.slot_id, selections.take_index) is distinct from (excluded.slot_id, excluded.take_index)`;
  await tx`update forms set status = 'paid', updated_at = now() where id = ${order.form_id}`;
  return true;
}

/**
 * A payment for songs another order paid for first: recorded with what it took, unlocking
 * nothing, and owed back. The refund itself is made after this transaction commits (and retried
 * by the sweep), so recording it here is what makes it happen exactly once.
 */
export async function markRefundDue(
  tx: TransactionSql,
  orderId: string,
  paidBy: string,
  facts: PaymentFacts = {},
): Promise<boolean> {
  const rows = await tx`
    update orders set
      status = 'refunded', paid_at = now(), ended_at = now(), updated_at = now(),
      end_reason = 'already_paid', paid_by_order = ${paidBy},
      refund_requested_at = now(), refund_next_at = now(), ${receiptOf(tx, facts)}
    where id = ${orderId} and status not in ('paid', 'refunded')
    returning id`;
  return rows.length > 0;
}

/**
 * Locks the form's row. Whether a form is paid changes only under this lock, taken before any of
 * its orders' locks, so a credit payment, a card payment and a new checkout of one form queue up.
 */
export async function lockFormRow(tx: TransactionSql, formId: string): Promise<boolean> {
  const rows = await tx`select id from forms where id = ${formId} for update`;
  return rows.length > 0;
}

/** A paid order of the form other than `orderId`: the one that paid for its songs. */
export async function otherPaidOrder(
  tx: TransactionSql,
  formId: string,
  orderId: string,
): Promise<{ id: string; method: OrderMethod } | undefined> {
  const [order] = await tx<{ id: string; method: OrderMethod }[]>`
    select id, method from orders where form_id = ${formId} and status = 'paid' and id <> ${orderId}
    order by paid_at limit 1`;
  return order;
}

/**
 * Once `paidBy` has paid for the form, its other open orders (any method, any choice of takes)
 * end here, and the ids whose checkout the gateway must still close are returned for after commit.
 */
export async function closeOpenOrders(
  tx: TransactionSql,
  formId: string,
  paidBy: string,
): Promise<string[]> {
  const rows = await tx<{ id: string }[]>`
    update orders set status = 'expired', ended_at = now(), updated_at = now(),
      end_reason = 'already_paid', paid_by_order = ${paidBy}
    where form_id = ${formId} and status = 'pending' and id <> ${paidBy}
    returning id`;
  return rows.map((r) => r.id);
}

/** Ends an open order unpaid; a paid or already ended order is left as it is. */
export async function endOrder(
  tx: Sql,
  orderId: string,
  status: 'failed' | 'expired',
): Promise<boolean> {
  const rows = await tx`
    update orders set status = ${status}, ended_at = now(), updated_at = now()
    where id = ${orderId} and status = 'pending'
    returning id`;
  return rows.length > 0;
}

/** Open orders whose Checkout Session is past its expiry end here, even if no webhook said so. */
export async function expireStaleOrders(sql: Sql, formId: string): Promise<void> {
  await sql`
    update orders set status = 'expired', ended_at = now(), updated_at = now()
    where form_id = ${formId} and status = 'pending' and session_expires_at < now()`;
}
