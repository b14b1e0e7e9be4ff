import type { Sql, TransactionSql } from 'postgres';
import type { OrderItem } from './selection.ts';

export type OrderMethod = 'stripe' | 'demo' | 'credits';
export type OrderStatus = 'pending' | 'paid' | 'failed' | 'expired';

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
  paid_at: Date | null;
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
    values (${o.id}, ${o.ownerId}, ${o.formId}, ${o.method}, ${o.status ?? 'pending'}, ${sql.json(o.items as never)},
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

/**
 * Marks an order paid and unlocks its takes, once: the conditional update is the guard, the
 * unlock rows are keyed by take, and the form becomes paid. Returns false when it was paid already.
 * Any earlier state may become paid (money taken is never ignored); paid never goes back.
 */
export async function markPaid(
  tx: TransactionSql,
  orderId: string,
  facts: PaymentFacts = {},
): Promise<boolean> {
  const [order] = await tx<{ owner_id: string; form_id: string }[]>`
    update orders set
      status = 'paid', paid_at = now(), ended_at = null, updated_at = now(),
      receipt_number = 'RF-' || lpad(nextval('receipt_numbers')::text, 6, '0'),
      session_id = coalesce(session_id, ${facts.sessionId ?? null}),
      amount_cents = coalesce(${facts.amountCents ?? null}::int, amount_cents),
      currency = coalesce(${facts.currency ?? null}, currency),
      payment_intent = coalesce(${facts.paymentIntent ?? null}, payment_intent),
      buyer_email = coalesce(buyer_email, ${facts.email ?? null})
    where id = ${orderId} and status <> 'paid'
    returning owner_id, form_id`;
  if (!order) return false;
  await tx`
    insert into unlocks (take_id, order_id, owner_id, form_id, song_index)
    select (item->>'takeId')::uuid, ${orderId}, ${order.owner_id}, ${order.form_id}, (item->>'songIndex')::int
    from orders, jsonb_array_elements(items) item
    where orders.id = ${orderId}
    on conflict (take_id) do nothing`;
  await tx`update forms set status = 'paid', updated_at = now() where id = ${order.form_id}`;
  return true;
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
