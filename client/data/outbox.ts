import { v7 as uuidv7 } from 'uuid';
import { isSendableEmail } from '../../schema/draft-fields.ts';
import type { OpArgsOf, OpResult, OpType } from '../../schema/ops.ts';
import type { LocalDraft, OutboxOp, RefrainDb } from './db.ts';
import { BatchPlan, MAX_TRIES, backoffMs, isSetAside } from './outbox-plan.ts';
import { storedSession } from './session.ts';
import { postOps, serverIsUp } from './sync-answer.ts';
import { cleanDraft } from './text.ts';

// No DOM here: the page and the service worker both drain the outbox with this module.

/** Queues one op, its args checked against its type; its id is made now and never changes. */
export async function enqueue<T extends OpType>(
  db: RefrainDb,
  type: T,
  args: OpArgsOf<T>,
  formId?: string,
): Promise<string> {
  const id = uuidv7();
  await db.outbox.add({ id, type, args, formId, createdAt: Date.now(), attempts: 0 });
  return id;
}

/**
 * What a draft.put carries: the whole draft with its field times, cleaned. An email still being
 * typed ("ana@") stays on the device until it is a whole address: the server refuses a draft
 * with a broken one, and the rest of the draft must not wait for it.
 */
export function draftPutArgs(local: LocalDraft): OpArgsOf<'draft.put'> {
  const draft = cleanDraft(local.draft);
  const fieldTimes = { ...local.fieldTimes };
  if (!isSendableEmail(draft.buyerEmail)) {
    delete draft.buyerEmail;
    delete fieldTimes.buyerEmail;
  }
  return { formId: local.formId, draft, fieldTimes };
}

/**
 * Queues the form's current draft. A draft.put that has not left yet is updated in place (same
 * transaction as the draft write), so typing makes one op per send, not one per keystroke; one
 * that already left is never changed, because a replay of its id must carry the same body.
 */
export async function queueDraftPut(db: RefrainDb, formId: string): Promise<void> {
  await db.transaction('rw', db.drafts, db.outbox, async () => {
    const local = await db.drafts.get(formId);
    if (!local) return;
    const args = draftPutArgs(local);
    const unsent = await db.outbox
      .where('formId')
      .equals(formId)
      .filter((op) => op.type === 'draft.put' && op.sentAt === undefined)
      .first();
    if (unsent) await db.outbox.update(unsent.id, { args });
    else
      await db.outbox.add({
        id: uuidv7(),
        type: 'draft.put',
        args,
        formId,
        createdAt: Date.now(),
        attempts: 0,
      });
  });
}

/** Sends a set-aside op again, from a fresh count of tries. */
export async function retryOp(db: RefrainDb, id: string): Promise<void> {
  await db.outbox.update(id, {
    setAsideAt: undefined,
    retryAt: undefined,
    attempts: 0,
    lastError: undefined,
    alone: true,
  });
}

/**
 * Drops a set-aside op for good. Only the op goes: what was typed stays in the draft on this
 * device, and the draft's next change sends all of it again.
 */
export async function discardOp(db: RefrainDb, id: string): Promise<void> {
  await db.outbox.where('id').equals(id).filter(isSetAside).delete();
}

/** Closes the notice of a refused op; the op stays in `rejected`. */
export async function dismissRejected(db: RefrainDb, id: string): Promise<void> {
  await db.rejected.update(id, { dismissedAt: Date.now() });
}

export type DrainOutcome =
  | { kind: 'done'; sent: number }
  | { kind: 'retry'; sent: number; error: string }
  | { kind: 'limited'; sent: number; error: string; retryAfterMs: number }
  | { kind: 'waiting'; sent: number; retryAfterMs: number }
  | { kind: 'no-session'; sent: number }
  | { kind: 'unauthorized'; sent: number };

async function nextPlan(db: RefrainDb, now: number): Promise<BatchPlan> {
  const plan = new BatchPlan(now);
  await db.outbox
    .orderBy('createdAt')
    .until(() => plan.isFull)
    .each((op) => void plan.offer(op));
  return plan;
}

/** What to say when nothing can be sent now: done, or how long until something can. */
function idle(plan: BatchPlan, sent: number, now: number): DrainOutcome {
  const heldUntil = plan.held?.heldUntil;
  const soonest = Math.min(heldUntil ?? Infinity, plan.nextTryAt ?? Infinity);
  if (soonest === Infinity) return { kind: 'done', sent };
  if (heldUntil === undefined) return { kind: 'waiting', sent, retryAfterMs: soonest - now };
  return {
    kind: 'limited',
    sent,
    error: plan.held?.lastError ?? 'Some changes wait a little before they are sent.',
    retryAfterMs: soonest - now,
  };
}

/**
 * Sends queued ops in order until none can go or the server cannot be reached. An op leaves the
 * outbox only when the server answered it for good: applied, duplicate, or rejected (kept in
 * `rejected` with the server's reason). A 429 settles the ops it answered for good and holds
 * the limited ones until their wait is over.
 *
 * Any other failure (a 5xx, an answer that cannot be read, a timeout, a broken connection) is
 * first checked against the server's health: when that fails too, the server or the network is
 * down, nothing is charged to any op, and the caller backs off. When the server is up, the
 * failure belongs to what was sent: a batch is split (its ops go alone from now on), and an op
 * sent alone is charged a try and waits before the next one (`backoffMs`), while every other op
 * goes on. After `MAX_TRIES` it is set aside with its reason until the person retries or
 * discards it; a 4xx for an op alone sets it aside at once (the same bytes get the same answer).
 */
export async function drainOutbox(
  db: RefrainDb,
  opts: { origin?: string; clientId: string; fetch?: typeof fetch },
): Promise<DrainOutcome> {
  const doFetch = opts.fetch ?? fetch;
  const origin = opts.origin ?? '';
  let sent = 0;
  for (;;) {
    const session = await storedSession(db);
    if (!session) return { kind: 'no-session', sent };
    const now = Date.now();
    const plan = await nextPlan(db, now);
    const { batch } = plan;
    if (batch.length === 0) return idle(plan, sent, now);
    await db.outbox.bulkUpdate(
      batch.map((op) => ({ key: op.id, changes: { sentAt: op.sentAt ?? now } })),
    );

    const answer = await postOps(doFetch, origin, session.token, opts.clientId, batch);
    if (answer.kind === 'unauthorized') return { kind: 'unauthorized', sent };
    if (answer.kind === 'limited') {
      const { settled } = await settle(db, batch, answer.results);
      const { error, retryAfterMs } = answer;
      return { kind: 'limited', sent: sent + settled, error, retryAfterMs };
    }
    if (answer.kind === 'answered') {
      const { settled, unanswered } = await settle(db, batch, answer.results);
      sent += settled;
      for (const op of unanswered)
        await chargeTry(db, op, "The server's answer could not be read.");
      continue;
    }
    if (!(await serverIsUp(doFetch, origin)))
      return { kind: 'retry', sent, error: answer.offline ? 'offline' : answer.reason };
    if (batch.length > 1) {
      await db.outbox.bulkUpdate(batch.map((op) => ({ key: op.id, changes: { alone: true } })));
    } else {
      await chargeTry(db, batch[0]!, answer.reason, answer.final);
    }
  }
}

/** One failed try of an op sent alone: wait before the next, or set it aside after the last. */
async function chargeTry(db: RefrainDb, op: OutboxOp, reason: string, final = false) {
  const now = Date.now();
  const attempts = op.attempts + 1;
  if (!final && attempts < MAX_TRIES) {
    await db.outbox.update(op.id, {
      attempts,
      lastError: reason,
      retryAt: now + backoffMs(attempts),
      alone: true,
    });
    return;
  }
  await db.transaction('rw', db.outbox, async () => {
    await db.outbox.update(op.id, {
      attempts,
      lastError: reason,
      retryAt: undefined,
      setAsideAt: now,
    });
    if (op.type !== 'draft.put' || !op.formId) return;
    // The newest set-aside draft.put of a form carries all that the older ones did.
    await db.outbox
      .where('formId')
      .equals(op.formId)
      .filter((o) => o.type === 'draft.put' && isSetAside(o) && o.id !== op.id)
      .filter((o) => isOlder(o, op))
      .delete();
  });
}

const isOlder = (a: OutboxOp, b: OutboxOp) =>
  a.createdAt < b.createdAt || (a.createdAt === b.createdAt && a.id < b.id);

/**
 * Applies the server's answers. Ops answered for good leave the outbox; an applied draft.put
 * also takes every older draft.put of its form with it (failing, set aside, or not yet
 * answered) and closes the notices of older refused ones: it carried the whole draft, with
 * field times at least as new. Answers the ops that got no answer this version can read.
 */
async function settle(db: RefrainDb, batch: OutboxOp[], results: OpResult[]) {
  const byId = new Map(batch.map((op) => [op.id, op]));
  const answered = new Set<string>();
  const now = Date.now();
  let settled = 0;
  await db.transaction('rw', db.outbox, db.rejected, async () => {
    for (const result of results) {
      const op = byId.get(result.id);
      if (!op) continue;
      if (result.status === 'limited') {
        answered.add(op.id);
        await db.outbox.update(op.id, {
          lastError: result.error,
          heldUntil: now + (result.retryAfterMs ?? 60_000),
        });
        continue;
      }
      if (result.status === 'rejected') {
        await db.rejected.put({
          ...op,
          rejectedAt: Date.now(),
          code: result.code,
          error: result.error ?? 'The server refused this change.',
        });
      } else if (result.status !== 'applied' && result.status !== 'duplicate') {
        continue;
      }
      answered.add(op.id);
      settled++;
      await db.outbox.delete(op.id);
      if (op.type === 'draft.put' && op.formId && result.status !== 'rejected') {
        const older = (o: OutboxOp) => o.type === 'draft.put' && isOlder(o, op);
        await db.outbox.where('formId').equals(op.formId).filter(older).delete();
        await db.rejected
          .where('formId')
          .equals(op.formId)
          .filter((r) => older(r) && r.dismissedAt === undefined)
          .modify({ dismissedAt: now });
      }
    }
  });
  return { settled, unanswered: batch.filter((op) => !answered.has(op.id)) };
}
