import { createHash } from 'node:crypto';
import type { Sql } from 'postgres';
import { OpArgs, type OpResult, type OpType, type SyncOp } from '../../schema/ops.ts';
import { OpLimited, type OwnerLimits } from '../limits/owner.ts';
import { logger } from '../log.ts';
import { putDraft, restoreDraft } from './ops/draft.ts';
import { requestGeneration, retrySlot, setSelection, submitForm } from './ops/generation.ts';
import type { OpContext, OpHandler, OpOutcome } from './ops/types.ts';
import { OpRejection } from './rejection.ts';

const log = logger('sync');

const HANDLERS: { [T in OpType]: OpHandler<any> } = {
  'draft.put': putDraft,
  'draft.restore': restoreDraft,
  'form.submit': submitForm,
  'generation.request': requestGeneration,
  'slot.retry': retrySlot,
  'selection.set': setSelection,
};

/** A stable hash of what an op asks for; the same id with another hash is a client bug. */
export function opBodyHash(op: SyncOp): string {
  return createHash('sha256')
    .update(canonicalJson({ type: op.type, args: op.args }))
    .digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

interface StoredOp {
  id: string;
  owner_id: string;
  body_hash: string;
  result: unknown;
}

function replayAnswer(op: SyncOp, hash: string, stored: StoredOp, ownerId: string): OpResult {
  if (stored.owner_id !== ownerId) {
    return {
      id: op.id,
      status: 'rejected',
      code: 'conflict',
      error: 'this op id was already used by someone else',
    };
  }
  if (stored.body_hash !== hash) {
    return {
      id: op.id,
      status: 'rejected',
      code: 'conflict',
      error: 'this op id was already applied with a different body; give every new op a new id',
    };
  }
  return { id: op.id, status: 'duplicate', result: stored.result ?? undefined };
}

class AlreadyApplied extends Error {}

export interface ApplyHooks {
  /** Gets the slots each applied op claimed, after its commit. */
  afterCommit: (claimed: string[]) => void;
  limits: OwnerLimits;
}

/** The form an op belongs to, if any: the unit inside which ops keep their order. */
async function formOf(sql: Sql, op: SyncOp, ownerId: string): Promise<string | undefined> {
  const args = (op.args ?? {}) as { formId?: unknown };
  if (typeof args.formId === 'string') return args.formId;
  const retry = op.type === 'slot.retry' && OpArgs['slot.retry'].safeParse(op.args);
  if (!retry || !retry.success) return undefined;
  const [slot] = await sql<{ form_id: string }[]>`
    select form_id from slots where id = ${retry.data.slotId} and owner_id = ${ownerId}`;
  return slot?.form_id;
}

/** A submit or request that would start a form while its owner's window is spent. */
async function refuseEarly(
  op: SyncOp,
  ownerId: string,
  limits: OwnerLimits,
): Promise<OpResult | undefined> {
  if (op.type !== 'form.submit' && op.type !== 'generation.request') return undefined;
  const args = OpArgs[op.type].safeParse(op.args);
  if (!args.success) return undefined;
  const limited = await limits.refuseEarly(ownerId, args.data.formId);
  return (
    limited && {
      id: op.id,
      status: 'limited',
      retryAfterMs: limited.retryAfterMs,
      error: limited.message,
    }
  );
}

/**
 * Applies a batch in order, each op in its own transaction, idempotent by op id. Known ids are
 * answered from the ledger without a transaction (the common case under replay storms); a new id
 * inserts its ledger row first, so a concurrent twin waits on it and then answers `duplicate`.
 *
 * An op that would pass its owner's limits is answered `limited` and applies nothing. Later ops
 * of other forms still apply; later ops of the same form are held (`limited` too), so a form's
 * ops keep their order: a draft edit queued after a submit never lands before it.
 */
export async function applyOps(
  sql: Sql,
  ops: SyncOp[],
  ctx: Omit<OpContext, 'opId'>,
  hooks: ApplyHooks,
): Promise<OpResult[]> {
  const ids = [...new Set(ops.map((o) => o.id))];
  const known = new Map<string, StoredOp>();
  if (ids.length) {
    const rows = await sql<StoredOp[]>`
      select id, owner_id, body_hash, result from sync_ops where id = any(${ids}::uuid[])`;
    for (const r of rows) known.set(r.id, r);
  }

  const results: OpResult[] = [];
  const held = new Map<string, number>();
  for (const op of ops) {
    const hash = opBodyHash(op);
    const stored = known.get(op.id);
    if (stored) {
      results.push(replayAnswer(op, hash, stored, ctx.ownerId));
      continue;
    }
    const formId = held.size ? await formOf(sql, op, ctx.ownerId) : undefined;
    const waitMs = formId && held.get(formId);
    if (waitMs) {
      results.push({
        id: op.id,
        status: 'limited',
        retryAfterMs: waitMs,
        error: 'This change waits for an earlier one to the same request.',
      });
      continue;
    }
    const early = await refuseEarly(op, ctx.ownerId, hooks.limits);
    const result = early ?? (await applyOne(sql, op, hash, ctx, hooks));
    if (result.status === 'limited') {
      const blocked = await formOf(sql, op, ctx.ownerId);
      if (blocked) held.set(blocked, result.retryAfterMs!);
    }
    if (result.status === 'applied') {
      known.set(op.id, {
        id: op.id,
        owner_id: ctx.ownerId,
        body_hash: hash,
        result: result.result,
      });
    }
    results.push(result);
  }
  return results;
}

async function applyOne(
  sql: Sql,
  op: SyncOp,
  hash: string,
  ctx: Omit<OpContext, 'opId'>,
  hooks: ApplyHooks,
): Promise<OpResult> {
  if (!(op.type in OpArgs)) {
    return {
      id: op.id,
      status: 'rejected',
      code: 'unknown_type',
      error: `unknown op type ${JSON.stringify(op.type)}`,
    };
  }
  const type = op.type as OpType;
  const args = OpArgs[type].safeParse(op.args);
  if (!args.success) {
    const error = args.error.issues
      .map((i) => `${i.path.join('.') || 'args'}: ${i.message}`)
      .join('; ');
    return { id: op.id, status: 'rejected', code: 'invalid', error };
  }
  try {
    const outcome = await sql.begin(async (tx): Promise<OpOutcome> => {
      const [fresh] = await tx`
        insert into sync_ops (id, owner_id, type, body_hash) values (${op.id}, ${ctx.ownerId}, ${type}, ${hash})
        on conflict (id) do nothing returning id`;
      if (!fresh) throw new AlreadyApplied();
      const out = await HANDLERS[type](tx, args.data, { ...ctx, opId: op.id });
      await hooks.limits.charge(tx, ctx.ownerId, {
        forms: out.startsForm ? 1 : 0,
        slots: out.claimed?.length ?? 0,
      });
      await tx`update sync_ops set result = ${tx.json(out.result as never)} where id = ${op.id}`;
      return out;
    });
    if (outcome.claimed?.length) hooks.afterCommit(outcome.claimed);
    return { id: op.id, status: 'applied', result: outcome.result };
  } catch (err) {
    if (err instanceof OpRejection)
      return { id: op.id, status: 'rejected', code: err.code, error: err.message };
    if (err instanceof OpLimited)
      return { id: op.id, status: 'limited', retryAfterMs: err.retryAfterMs, error: err.message };
    if (err instanceof AlreadyApplied) {
      const [stored] = await sql<StoredOp[]>`
        select id, owner_id, body_hash, result from sync_ops where id = ${op.id}`;
      return replayAnswer(op, hash, stored!, ctx.ownerId);
    }
    log.error('op failed', { opId: op.id, type, error: String((err as Error)?.stack ?? err) });
    throw err;
  }
}
