import { v7 as uuidv7 } from 'uuid';
import type { OpResult, OpType, SyncResponse } from '../../schema/ops.ts';
import type { OutboxOp, RefrainDb } from './db.ts';
import { storedSession } from './session.ts';

// No DOM here: the page and the service worker both drain the outbox with this module.

const BATCH = 100;

/** Queues one op; its id is made now and never changes. */
export async function enqueue(
  db: RefrainDb,
  type: OpType,
  args: unknown,
  formId?: string,
): Promise<string> {
  const op: OutboxOp = { id: uuidv7(), type, args, formId, createdAt: Date.now(), attempts: 0 };
  await db.outbox.add(op);
  return op.id;
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
    const args = { formId, draft: local.draft, fieldTimes: local.fieldTimes };
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

export type DrainOutcome =
  | { kind: 'done'; sent: number }
  | { kind: 'retry'; sent: number; error: string }
  | { kind: 'limited'; sent: number; error: string; retryAfterMs: number }
  | { kind: 'no-session'; sent: number }
  | { kind: 'unauthorized'; sent: number };

// When a 429 names no wait of its own.
const DEFAULT_LIMIT_WAIT_MS = 60_000;

/**
 * The next ops to send, in creation order: not those the server limited until later, and not
 * any later op of their form, so a form's ops still reach the server in order. Answers the
 * soonest held op too, for how long to wait when nothing else can go.
 */
async function nextBatch(db: RefrainDb, now: number) {
  const heldForms = new Set<string>();
  const batch: OutboxOp[] = [];
  let soonest: OutboxOp | undefined;
  await db.outbox
    .orderBy('createdAt')
    .until(() => batch.length >= BATCH)
    .each((op) => {
      if (op.heldUntil !== undefined && op.heldUntil > now) {
        if (op.formId) heldForms.add(op.formId);
        if (!soonest || op.heldUntil < soonest.heldUntil!) soonest = op;
      } else if (!op.formId || !heldForms.has(op.formId)) {
        batch.push(op);
      }
    });
  return { batch, soonest };
}

/** Retry-After as seconds or an HTTP date (RFC 9110 §10.2.3), in ms from now. */
function retryAfterMs(header: string | null, now: number): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * Sends queued ops in order until none are left or the server cannot answer. An op leaves the
 * outbox only when the server answered it for good: applied, duplicate, or rejected (kept in
 * `rejected`). A network error, a 5xx or any other answer keeps every op for the next try
 * (unlike a background-sync queue that drops a request on any HTTP answer). A 429 settles the
 * ops it answered for good and holds the limited ones until their wait is over; the caller
 * waits at least `retryAfterMs` before draining again.
 */
export async function drainOutbox(
  db: RefrainDb,
  opts: { origin?: string; clientId: string; fetch?: typeof fetch },
): Promise<DrainOutcome> {
  const doFetch = opts.fetch ?? fetch;
  let sent = 0;
  for (;;) {
    const session = await storedSession(db);
    if (!session) return { kind: 'no-session', sent };
    const now = Date.now();
    const { batch, soonest } = await nextBatch(db, now);
    if (batch.length === 0) {
      return soonest
        ? {
            kind: 'limited',
            sent,
            error: soonest.lastError ?? 'Some changes wait a little before they are sent.',
            retryAfterMs: soonest.heldUntil! - now,
          }
        : { kind: 'done', sent };
    }
    await db.outbox.bulkUpdate(
      batch.map((op) => ({ key: op.id, changes: { sentAt: op.sentAt ?? now } })),
    );

    let res: Response;
    try {
      res = await doFetch(`${opts.origin ?? ''}/api/sync`, {
        method: 'POST',
        headers: { authorization: `Bearer ${session.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          clientId: opts.clientId,
          ops: batch.map(({ id, type, args }) => ({ id, type, args })),
        }),
      });
    } catch (err) {
      await markAttempt(db, batch, `offline: ${String(err)}`);
      return { kind: 'retry', sent, error: 'offline' };
    }
    if (res.status === 401) return { kind: 'unauthorized', sent };
    if (res.status === 429) {
      const body = (await res.json().catch(() => undefined)) as SyncResponse | undefined;
      const waitMs =
        body?.retryAfterMs ??
        retryAfterMs(res.headers.get('retry-after'), now) ??
        DEFAULT_LIMIT_WAIT_MS;
      const error = body?.error ?? 'The server is busy right now; your changes wait on this phone.';
      const results = Array.isArray(body?.results)
        ? body.results
        : batch.map((op) => ({
            id: op.id,
            status: 'limited' as const,
            retryAfterMs: waitMs,
            error,
          }));
      await settle(db, batch, results);
      sent += results.filter((r) => r.status !== 'limited').length;
      return { kind: 'limited', sent, error, retryAfterMs: waitMs };
    }
    if (res.status !== 200) {
      const error = `server answered ${res.status}`;
      await markAttempt(db, batch, error);
      return { kind: 'retry', sent, error };
    }
    const { results } = (await res.json()) as SyncResponse;
    await settle(db, batch, results);
    sent += results.length;
  }
}

async function markAttempt(db: RefrainDb, batch: OutboxOp[], error: string) {
  await db.outbox.bulkUpdate(
    batch.map((op) => ({ key: op.id, changes: { attempts: op.attempts + 1, lastError: error } })),
  );
}

async function settle(db: RefrainDb, batch: OutboxOp[], results: OpResult[]) {
  const byId = new Map(batch.map((op) => [op.id, op]));
  const now = Date.now();
  await db.transaction('rw', db.outbox, db.rejected, async () => {
    for (const result of results) {
      const op = byId.get(result.id);
      if (!op) continue;
      if (result.status === 'limited') {
        await db.outbox.update(op.id, {
          attempts: op.attempts + 1,
          lastError: result.error,
          heldUntil: now + (result.retryAfterMs ?? DEFAULT_LIMIT_WAIT_MS),
        });
        continue;
      }
      if (result.status === 'rejected') {
        await db.rejected.put({
          ...op,
          rejectedAt: Date.now(),
          code: result.code,
          error: result.error ?? 'rejected',
        });
      } else if (result.status !== 'applied' && result.status !== 'duplicate') {
        continue; // An answer this version does not know: keep the op.
      }
      await db.outbox.delete(op.id);
    }
  });
}
