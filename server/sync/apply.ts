import type { Sql, TransactionSql } from 'postgres';
import {
  OpArgs,
  type OpArgsOf,
  type OpCode,
  type OpResult,
  type OpType,
  type SyncOp,
} from '../../schema/ops.ts';
import { jsonb } from '../db/jsonb.ts';
import { isTransient } from '../db/transient.ts';
import { Refusal, type RefusalCode } from '../errors.ts';
import { OpLimited, type OwnerLimits } from '../limits/owner.ts';
import { logger } from '../log.ts';
import { readOp } from './envelope.ts';
import { opBodyHash, replayAnswer, type LedgerEntry, type StoredOp } from './ledger.ts';
import { putDraft, putNewDraft, restoreDraft } from './ops/draft.ts';
import {
  requestGeneration,
  retrySlot,
  reviseVariation,
  setSelection,
  submitForm,
} from './ops/generation.ts';
import { giftCreate, giftRevoke } from './ops/gift.ts';
import type { OpContext, OpHandler, OpOutcome, OpShortcut } from './ops/types.ts';
import type { z } from 'zod';

const log = logger('sync');

const HANDLERS: { [T in OpType]: OpHandler<OpArgsOf<T>> } = {
  'draft.put': putDraft,
  'draft.restore': restoreDraft,
  'form.submit': submitForm,
  'generation.request': requestGeneration,
  'slot.retry': retrySlot,
  'variation.revise': reviseVariation,
  'selection.set': setSelection,
  'gift.create': giftCreate,
  'gift.revoke': giftRevoke,
};

// Tried before an op's handler: its common case in one statement, ledger row included.
const SHORTCUTS: { [T in OpType]?: OpShortcut<OpArgsOf<T>> } = {
  'draft.put': putNewDraft,
};

// OpArgs typed per op type, as HANDLERS is: both indexed by one generic type (bindHandler), the
// compiler sees each check's result go to its own type's handler.
const CHECKS: { [T in OpType]: z.ZodType<OpArgsOf<T>> } = OpArgs;

class AlreadyApplied extends Error {}

/**
 * The code an op is rejected with for each refusal. A client knows only op codes, so a refusal
 * that only HTTP answers made so far is told as the op code nearest in meaning.
 */
const OP_CODE: Record<RefusalCode, OpCode> = {
  invalid: 'invalid',
  unknown_type: 'unknown_type',
  unauthorized: 'forbidden',
  payment_required: 'forbidden',
  forbidden: 'forbidden',
  not_found: 'not_found',
  conflict: 'conflict',
  state: 'state',
  gone: 'state',
  limit: 'limit',
  unprocessable: 'invalid',
  internal: 'internal',
  upstream: 'internal',
};

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
 * Applies a batch in order, each op on its own, idempotent by op id. Known ids are answered from
 * the ledger without a transaction (the common case under replay storms). A new op's common case
 * (a new form's first draft) is one statement with its ledger row; any other op runs in its own
 * transaction that inserts its ledger row first. Either way a concurrent twin waits on the
 * ledger's key and then answers `duplicate`.
 *
 * An op that would pass its owner's limits is answered `limited` and applies nothing. Later ops
 * of other forms still apply; later ops of the same form are held (`limited` too), so a form's
 * ops keep their order: a draft edit queued after a submit never lands before it.
 *
 * One bad op never stops the batch: a malformed one, or one the server fails on, is answered
 * `rejected` alone. Only a lost database connection stops it (thrown, for a 503): an op's
 * transaction that lost it is tried once more first, which its op id makes safe.
 */
export async function applyOps(
  sql: Sql,
  sent: unknown[],
  ctx: Omit<OpContext, 'opId'>,
  hooks: ApplyHooks,
): Promise<OpResult[]> {
  const read = sent.map(readOp);
  const ids = [...new Set(read.flatMap((r) => ('op' in r ? [key(r.op)] : [])))];
  const known = new Map<string, StoredOp>();
  if (ids.length) {
    const rows = await sql<StoredOp[]>`
      select id, owner_id, body_hash, result from sync_ops where id = any(${ids}::uuid[])`;
    for (const r of rows) known.set(r.id, r);
  }

  const results: OpResult[] = [];
  const held = new Map<string, number>();
  const inBatch = new Map<string, string>();
  for (const r of read) {
    if ('refused' in r) {
      results.push(r.refused);
      continue;
    }
    const { op } = r;
    const hash = opBodyHash(op);
    const twin = inBatch.get(key(op));
    if (twin !== undefined && twin !== hash) {
      results.push({
        id: op.id,
        status: 'rejected',
        code: 'conflict',
        error:
          'this op id is used twice in this batch for different changes; give every change its own id',
      });
      continue;
    }
    inBatch.set(key(op), hash);
    const step = () => answerOp(sql, op, hash, { ctx, hooks, known, held });
    let result: OpResult;
    try {
      result = await step().catch((err: unknown) => {
        if (!isTransient(err)) throw err;
        log.warn('op retried after a lost database connection', {
          opId: op.id,
          error: String(err),
        });
        return step();
      });
    } catch (err) {
      if (isTransient(err)) throw err;
      log.error('op failed', {
        opId: op.id,
        type: op.type,
        error: String((err as Error)?.stack ?? err),
      });
      result = {
        id: op.id,
        status: 'rejected',
        code: 'internal',
        error: `Something went wrong on our side while saving this change, so it was not saved (reference ${op.id}).`,
      };
    }
    results.push(result);
  }
  return results;
}

/** Ledger rows come back with lowercase ids; a client may send them in capitals. */
const key = (op: SyncOp) => op.id.toLowerCase();

interface BatchState {
  ctx: Omit<OpContext, 'opId'>;
  hooks: ApplyHooks;
  known: Map<string, StoredOp>;
  held: Map<string, number>;
}

/** One op's answer; throws only what the server failed on. */
async function answerOp(sql: Sql, op: SyncOp, hash: string, batch: BatchState): Promise<OpResult> {
  const { ctx, hooks, known, held } = batch;
  const stored = known.get(key(op));
  if (stored) return replayAnswer(op, hash, stored, ctx.ownerId);
  const formId = held.size ? await formOf(sql, op, ctx.ownerId) : undefined;
  const waitMs = formId && held.get(formId);
  if (waitMs) {
    return {
      id: op.id,
      status: 'limited',
      retryAfterMs: waitMs,
      error: 'This change waits for an earlier one to the same request.',
    };
  }
  const early = await refuseEarly(op, ctx.ownerId, hooks.limits);
  const result = early ?? (await applyOne(sql, op, hash, ctx, hooks));
  if (result.status === 'limited') {
    const blocked = await formOf(sql, op, ctx.ownerId);
    if (blocked) held.set(blocked, result.retryAfterMs!);
  }
  if (result.status === 'applied') {
    known.set(key(op), {
      id: op.id,
      owner_id: ctx.ownerId,
      body_hash: hash,
      result: result.result,
    });
  }
  return result;
}

/**
 * The handler of an op's type, given the op's args once they pass that type's check. Generic in
 * the type, so the compiler sees each handler get the args of its own op.
 */
function bindHandler<T extends OpType>(type: T, sent: unknown) {
  const args = CHECKS[type].safeParse(sent);
  if (!args.success) return { success: false as const, issues: args.error.issues };
  const handle = HANDLERS[type];
  const shortcut = SHORTCUTS[type];
  return {
    success: true as const,
    run: (tx: TransactionSql, ctx: OpContext) => handle(tx, args.data, ctx),
    shortcut: shortcut && ((sql: Sql, op: LedgerEntry) => shortcut(sql, args.data, op)),
  };
}

async function applyOne(
  sql: Sql,
  op: SyncOp,
  hash: string,
  ctx: Omit<OpContext, 'opId'>,
  hooks: ApplyHooks,
): Promise<OpResult> {
  // Own keys only: `toString`, `constructor` and `__proto__` are in every object.
  if (!Object.hasOwn(OpArgs, op.type)) {
    return {
      id: op.id,
      status: 'rejected',
      code: 'unknown_type',
      error: `unknown op type ${JSON.stringify(op.type)}`,
    };
  }
  const type = op.type as OpType;
  const handler = bindHandler(type, op.args);
  if (!handler.success) {
    const error = handler.issues.map((i) => `${place(i.path)}: ${plainly(i)}`).join('; ');
    return { id: op.id, status: 'rejected', code: 'invalid', error };
  }
  const quick = await handler.shortcut?.(sql, { id: op.id, ownerId: ctx.ownerId, type, hash });
  if (quick) return { id: op.id, status: 'applied', result: quick.result };
  try {
    const outcome = await sql.begin(async (tx): Promise<OpOutcome> => {
      const [fresh] = await tx`
        insert into sync_ops (id, owner_id, type, body_hash) values (${op.id}, ${ctx.ownerId}, ${type}, ${hash})
        on conflict (id) do nothing returning id`;
      if (!fresh) throw new AlreadyApplied();
      const out = await handler.run(tx, { ...ctx, opId: op.id });
      await hooks.limits.charge(tx, ctx.ownerId, {
        forms: out.startsForm ? 1 : 0,
        slots: out.claimed?.length ?? 0,
      });
      await tx`update sync_ops set result = ${jsonb(tx, out.result)} where id = ${op.id}`;
      return out;
    });
    if (outcome.claimed?.length) hooks.afterCommit(outcome.claimed);
    return { id: op.id, status: 'applied', result: outcome.result };
  } catch (err) {
    if (err instanceof Refusal)
      return { id: op.id, status: 'rejected', code: OP_CODE[err.code], error: err.message };
    if (err instanceof OpLimited)
      return { id: op.id, status: 'limited', retryAfterMs: err.retryAfterMs, error: err.message };
    if (err instanceof AlreadyApplied) {
      const [stored] = await sql<StoredOp[]>`
        select id, owner_id, body_hash, result from sync_ops where id = ${op.id}`;
      return replayAnswer(op, hash, stored!, ctx.ownerId);
    }
    throw err;
  }
}

/** Zod's wording ("Too big: expected string to have <=80 characters") in a customer's words. */
function plainly(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'too_big':
      if (issue.origin === 'string') return `can be at most ${issue.maximum} characters`;
      if (issue.origin === 'array') return `can have at most ${issue.maximum} entries`;
      return `can be at most ${issue.maximum}`;
    case 'too_small':
      if (issue.origin === 'string')
        return Number(issue.minimum) <= 1
          ? 'cannot be empty'
          : `needs at least ${issue.minimum} characters`;
      if (issue.origin === 'array') return `needs at least ${issue.minimum} entries`;
      return `must be at least ${issue.minimum}`;
    case 'invalid_format':
      return issue.format === 'email' ? 'is not a whole email address' : 'is not in the right form';
    case 'invalid_value':
      return 'is not one of the choices';
    case 'invalid_type':
      return 'is missing or not the right kind of value';
    default:
      return issue.message;
  }
}

/** Where in an op's args a problem is, in the words of the form: "song 2, story". */
function place(path: PropertyKey[]): string {
  const [head, list, index, field] = path;
  if (head === 'draft' && list === 'songs' && typeof index === 'number')
    return field === undefined ? `song ${index + 1}` : `song ${index + 1}, ${String(field)}`;
  if (head === 'draft' && list === 'buyerEmail') return 'email address';
  return path.map(String).join('.') || 'args';
}
