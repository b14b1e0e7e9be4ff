// The op ledger (sync_ops) keys every applied op by its client-made id and a hash of its body:
// a replay of the same op answers what it answered then; the same id with another body or owner
// is a conflict, never a replay.
import { createHash } from 'node:crypto';
import type { OpResult, SyncOp } from '../../schema/ops.ts';

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
