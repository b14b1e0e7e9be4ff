import { randomUUID } from 'node:crypto';
import type { TransactionSql } from 'postgres';
import { z } from 'zod';
import { logger } from '../log.ts';
import {
  closeOpenOrders,
  endOrder,
  insertOrder,
  lockFormRow,
  lockOrderOfSession,
  markPaid,
  markRefundDue,
  otherPaidOrder,
  type Order,
  type PaymentFacts,
} from './orders.ts';
import { itemsOfSession, selectionHash } from './selection.ts';
import { noFollowUp, type FollowUp } from './settlement.ts';

const log = logger('payments');

/** The fields of a Checkout Session this server reads; Stripe sends many more. */
export const CheckoutSession = z.object({
  id: z.string().min(1),
  payment_status: z.string().nullish(),
  client_reference_id: z.string().nullish(),
  metadata: z.record(z.string(), z.string()).nullish(),
  amount_total: z.number().int().nonnegative().nullish(),
  currency: z.string().nullish(),
  customer_email: z.string().nullish(),
  customer_details: z.object({ email: z.string().nullish() }).nullish(),
  payment_intent: z.union([z.string(), z.object({ id: z.string() })]).nullish(),
});
export type CheckoutSession = z.infer<typeof CheckoutSession>;

export const SESSION_EVENTS = [
  'checkout.session.completed',
  'checkout.session.async_payment_succeeded',
  'checkout.session.async_payment_failed',
  'checkout.session.expired',
] as const;

export const SessionEvent = z.object({
  id: z.string().min(1),
  type: z.enum(SESSION_EVENTS),
  data: z.object({ object: CheckoutSession }),
});
export type SessionEvent = z.infer<typeof SessionEvent>;

const csv = (text: string) =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

const SessionMetadata = z.object({
  formId: z.uuid(),
  ownerId: z.uuid(),
  orderId: z.uuid().optional(),
  slotIds: z.string().transform(csv).pipe(z.array(z.uuid()).min(1).max(5)),
  takes: z
    .string()
    .transform(csv)
    .pipe(
      z
        .array(z.enum(['1', '2']).transform(Number))
        .min(1)
        .max(5),
    ),
});

export type EventOutcome =
  'paid' | 'refunded' | 'pending' | 'failed' | 'expired' | 'unchanged' | 'no-order';

export interface Applied {
  outcome: EventOutcome;
  /** What the gateway must do once this transaction has committed. */
  followUp: FollowUp;
}

const uuidOrUndefined = (v: string | null | undefined) =>
  v && z.uuid().safeParse(v).success ? v : undefined;

/**
 * Applies one Checkout Session event to its order, in whatever order events arrive: paid wins
 * over every other state and is never undone; failed and expired only end an open order. A
 * payment for a form another order paid for first is owed back instead of unlocking anything.
 */
export async function applySessionEvent(tx: TransactionSql, event: SessionEvent): Promise<Applied> {
  const session = event.data.object;
  // The form's lock first, then the order's: the same order as a credit payment takes them.
  const formId = await formOfSession(tx, session);
  if (formId) await lockFormRow(tx, formId);
  const order = (await findOrder(tx, session)) ?? (await rebuildOrder(tx, session));
  if (!order) {
    log.warn('a Checkout Session event names no order this server knows or can rebuild', {
      eventId: event.id,
      sessionId: session.id,
    });
    return { outcome: 'no-order', followUp: noFollowUp() };
  }
  if (order.form_id !== formId) await lockFormRow(tx, order.form_id);
  if (!order.session_id) {
    await tx`update orders set session_id = ${session.id}, updated_at = now() where id = ${order.id} and session_id is null`;
  }
  const outcome = (o: EventOutcome): Applied => ({ outcome: o, followUp: noFollowUp() });
  switch (event.type) {
    case 'checkout.session.completed':
      // Delayed payment methods complete the session unpaid; async_payment_succeeded follows.
      if (session.payment_status !== 'paid') return outcome('pending');
      return settlePayment(tx, order, factsOf(session));
    case 'checkout.session.async_payment_succeeded':
      return settlePayment(tx, order, factsOf(session));
    case 'checkout.session.async_payment_failed':
      return outcome((await endOrder(tx, order.id, 'failed')) ? 'failed' : 'unchanged');
    case 'checkout.session.expired':
      return outcome((await endOrder(tx, order.id, 'expired')) ? 'expired' : 'unchanged');
  }
}

/** Money came in for this order: it pays for the songs, or, when they are paid already, goes back. */
async function settlePayment(
  tx: TransactionSql,
  order: Order,
  facts: PaymentFacts,
): Promise<Applied> {
  const unchanged: Applied = { outcome: 'unchanged', followUp: noFollowUp() };
  if (order.status === 'paid' || order.status === 'refunded') return unchanged;
  const paidBy = await otherPaidOrder(tx, order.form_id, order.id);
  if (paidBy) {
    if (!(await markRefundDue(tx, order.id, paidBy.id, facts))) return unchanged;
    log.warn('a payment came in for songs paid already; refunding it', {
      orderId: order.id,
      paidBy: paidBy.id,
    });
    return { outcome: 'refunded', followUp: { close: [], refund: [order.id] } };
  }
  if (!(await markPaid(tx, order.id, facts))) return unchanged;
  return {
    outcome: 'paid',
    followUp: { close: await closeOpenOrders(tx, order.form_id, order.id), refund: [] },
  };
}

/** The form an event's session belongs to, read without locking anything yet. */
async function formOfSession(
  tx: TransactionSql,
  session: CheckoutSession,
): Promise<string | undefined> {
  const [known] = await tx<{ form_id: string }[]>`
    select form_id from orders
    where session_id = ${session.id} or id = ${uuidOrUndefined(session.client_reference_id) ?? null}::uuid
    order by (session_id = ${session.id}) desc nulls last
    limit 1`;
  if (known) return known.form_id;
  const meta = SessionMetadata.safeParse(session.metadata ?? {});
  return meta.success ? meta.data.formId : undefined;
}

function factsOf(session: CheckoutSession): PaymentFacts {
  const intent = session.payment_intent;
  return {
    sessionId: session.id,
    amountCents: session.amount_total,
    currency: session.currency,
    paymentIntent: typeof intent === 'string' ? intent : intent?.id,
    email: session.customer_details?.email ?? session.customer_email,
  };
}

function findOrder(tx: TransactionSql, session: CheckoutSession): Promise<Order | undefined> {
  return lockOrderOfSession(tx, session.id, uuidOrUndefined(session.client_reference_id));
}

/**
 * An event for a session this database does not know (the order was lost with a crash, or the
 * event outran the write that records the session): the order is rebuilt from the metadata the
 * session was created with.
 */
async function rebuildOrder(
  tx: TransactionSql,
  session: CheckoutSession,
): Promise<Order | undefined> {
  const meta = SessionMetadata.safeParse(session.metadata ?? {});
  if (!meta.success) return undefined;
  const { formId, ownerId, slotIds, takes } = meta.data;
  const [form] = await tx<
    { owner_id: string; song_count: number; draft: { buyerEmail?: string } }[]
  >`
    select owner_id, song_count, draft from forms where id = ${formId}`;
  if (!form || form.owner_id !== ownerId) return undefined;
  const items = await itemsOfSession(tx, formId, slotIds, takes);
  if (!items) return undefined;
  const order = {
    id: uuidOrUndefined(session.client_reference_id) ?? meta.data.orderId ?? randomUUID(),
    ownerId,
    formId,
    method: session.id.startsWith('cs_demo_') ? ('demo' as const) : ('stripe' as const),
    items,
    selectionHash: selectionHash(formId, items),
    songCount: form.song_count,
    amountCents: session.amount_total ?? 0,
    currency: session.currency ?? 'usd',
    buyerEmail: session.customer_details?.email ?? session.customer_email ?? null,
    sessionId: session.id,
  };
  if (!(await insertOrder(tx, order))) {
    // Another open order holds this choice (unique index): record this session beside it as
    // ended, so the event can still pay it; a twin delivery may also have inserted it just now.
    await insertOrder(tx, { ...order, status: 'expired' });
  }
  return findOrder(tx, session);
}
