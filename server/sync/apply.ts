import { createHash } from 'node:crypto';
import type { Sql } from 'postgres';
import { OpArgs, type OpResult, type OpType, type SyncOp } from '../../schema/ops.ts';
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

/**
 * Applies a batch in order, each op in its own transaction, idempotent by op id. Known ids are
 * answered from the ledger without a transaction (the common case under replay storms); a new id
 * inserts its ledger row first, so a concurrent twin waits on it and then answers `duplicate`.
 * `afterCommit` gets the slots each applied op claimed.
 */
export async function applyOps(
  sql: Sql,
  ops: SyncOp[],
  ctx: Omit<OpContext, 'opId'>,
  afterCommit: (claimed: string[]) => void,
): Promise<OpResult[]> {
  const ids = [...new Set(ops.map((o) => o.id))];
  const known = new Map<string, StoredOp>();
  if (ids.length) {
    const rows = await sql<StoredOp[]>`
      select id, owner_id, body_hash, result from sync_ops where id = any(${ids}::uuid[])`;
    for (const r of rows) known.set(r.id, r);
  }

  const results: OpResult[] = [];
  for (const op of ops) {
    const hash = opBodyHash(op);
    const stored = known.get(op.id);
    if (stored) {
      results.push(replayAnswer(op, hash, stored, ctx.ownerId));
      continue;
    }
    const result = await applyOne(sql, op, hash, ctx, afterCommit);
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
  afterCommit: (claimed: string[]) => void,
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
      await tx`update sync_ops set result = ${tx.json(out.result as never)} where id = ${op.id}`;
      return out;
    });
    if (outcome.claimed?.length) afterCommit(outcome.claimed);
    return { id: op.id, status: 'applied', result: outcome.result };
  } catch (err) {
    if (err instanceof OpRejection)
      return { id: op.id, status: 'rejected', code: err.code, error: err.message };
    if (err instanceof AlreadyApplied) {
      const [stored] = await sql<StoredOp[]>`
        select id, owner_id, body_hash, result from sync_ops where id = ${op.id}`;
      return replayAnswer(op, hash, stored!, ctx.ownerId);
    }
    log.error('op failed', { opId: op.id, type, error: String((err as Error)?.stack ?? err) });
    throw err;
  }
}
