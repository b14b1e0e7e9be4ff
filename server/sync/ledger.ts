// The op ledger (sync_ops) keys every applied op by its client-made id and a hash of its body:
// a replay of the same op answers what it answered then; the same id with another body or owner
// is a conflict, never a replay.
import { createHash } from 'node:crypto';
import postgres, { type PendingQuery, type Row, type Sql } from 'postgres';
import type { OpResult, SyncOp } from '../../schema/ops.ts';
import { jsonb } from '../db/jsonb.ts';

/** A stable hash of what an op asks for; the same id with another hash is a client bug. */
export function opBodyHash(op: SyncOp): string {
  return createHash('sha256')
    .update(canonicalJson({ type: op.type, args: op.args }))
    .digest('hex');
}

// Keys sorted by code unit, undefined members left out, like JSON.stringify otherwise. Stored
// hashes were made with this exact text: any change to it turns every replay of an op applied
// before into a conflict (tests/unit/ledger.test.ts pins it). Written as loops over strings:
// every op of every batch, replays too, is hashed, and this is on a busy API's hot path.
function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i ? ',' : '') + canonicalJson(value[i]);
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  let out = '';
  for (const key of Object.keys(record).sort()) {
    const member = record[key];
    if (member !== undefined) out += `,${JSON.stringify(key)}:${canonicalJson(member)}`;
  }
  return `{${out.slice(1)}}`;
}

export interface StoredOp {
  id: string;
  owner_id: string;
  body_hash: string;
  result: unknown;
}

/** The answer to an op id the ledger knows: a replay, or a conflict when the id was reused. */
export function replayAnswer(
  op: SyncOp,
  hash: string,
  stored: StoredOp,
  ownerId: string,
): OpResult {
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

/** What the ledger keeps of an op it has not seen yet. */
export interface LedgerEntry {
  id: string;
  ownerId: string;
  type: string;
  hash: string;
}

/**
 * Applies `effect` (a data-modifying statement with RETURNING) and the op's ledger row, with the
 * result known up front, in one statement: one round trip and no transaction around it. The row
 * is written only when the effect wrote something, and an op id the ledger already holds fails
 * the whole statement on the ledger's key, undoing the effect with it; either way nothing of the
 * op is written and false tells the caller to take the op's full path, which answers from the
 * ledger or applies it in a transaction of its own. A concurrent twin that wrote first makes
 * this one wait on the key and then fail the same way.
 */
export async function recordWithEffect(
  sql: Sql,
  op: LedgerEntry,
  result: Record<string, unknown>,
  effect: PendingQuery<Row[]>,
): Promise<boolean> {
  try {
    const written = await sql`
      with effect as (${effect})
      insert into sync_ops (id, owner_id, type, body_hash, result)
      select ${op.id}, ${op.ownerId}, ${op.type}, ${op.hash}, ${jsonb(sql, result)}
      where exists (select from effect)
      returning id`;
    return written.length > 0;
  } catch (err) {
    const known =
      err instanceof postgres.PostgresError &&
      err.code === '23505' &&
      err.constraint_name === 'sync_ops_pkey';
    if (known) return false;
    throw err;
  }
}
