import { randomUUID } from 'node:crypto';
import type postgres from 'postgres';
import type { FieldStamps } from '../../schema/draft-merge.ts';
import type { OpArgsOf, SyncOp } from '../../schema/ops.ts';
import { jsonb } from '../../server/db/jsonb.ts';
import { opBodyHash } from '../../server/sync/ledger.ts';
import { draftOf, ops } from '../../tests/helpers/ops.ts';
import { DistinctReplays, ReplayBacklog } from './backlog.ts';
import { percentile, round } from './stats.ts';

/** How a storm is made: the same for /api/sync and for its raw-Postgres baseline. */
export interface StormShape {
  newPerBatch: number;
  replaysPerBatch: number;
  warmupMs: number;
  stormMs: number;
}

export interface RawStormResult {
  stormSec: number;
  appliedOpsPerSec: number;
  replayedOpsPerSec: number;
  batchP50Ms: number;
  batchP99Ms: number;
  applied: number;
  replayed: number;
}

const DRAFT = draftOf(1);

/**
 * The write path done by hand with postgres.js, no HTTP, no API: the most /api/sync could do for
 * the same work. One client per owner, all at once, each sending batches of the storm's shape one
 * after another. Per batch, as the API does: every op's body hashed, then one SELECT of the
 * ledger rows of all the batch's ids (which answers the replays, each checked against its hash
 * and owner). Per new op, one transaction: the ledger row (id, owner, type, hash and the answer,
 * `on conflict do nothing returning id` so a twin would be seen) and the op's effect, the form row
 * with its draft and field stamps. That is the least any server must write for a draft.put of a
 * new form; /api/sync also checks the token, validates the op, locks the form and merges the
 * draft, which is the cost the ratio against this baseline shows. One new op in ten of the
 * API's storm asks again for a slot already claimed; here every new op is a draft.put. Its rows
 * go to the real tables, so zero-cache replicates them as it replicates the API's, and both
 * sides pay for that alike.
 */
export async function rawStorm(
  sql: postgres.Sql,
  owners: string[],
  shape: StormShape,
): Promise<RawStormResult> {
  const start = performance.now();
  const warmEnd = start + shape.warmupMs;
  const deadline = warmEnd + shape.stormMs;
  const latencies: number[] = [];
  const distinct = new DistinctReplays();
  let applied = 0;
  let replayed = 0;

  const client = async (ownerId: string) => {
    const backlog = new ReplayBacklog<SyncOp>();
    while (performance.now() < deadline) {
      const replays = backlog.take(shape.replaysPerBatch);
      const fresh = Array.from({ length: shape.newPerBatch }, () =>
        ops.draftPut(randomUUID(), DRAFT),
      );
      const started = performance.now();
      const hashes = new Map([...replays, ...fresh].map((op) => [op.id, opBodyHash(op)]));
      const rows = await sql<{ id: string; owner_id: string; body_hash: string }[]>`
        select id, owner_id, body_hash, result from sync_ops where id = any(${[...hashes.keys()]}::uuid[])`;
      const stored = new Map(rows.map((r) => [r.id, r]));
      for (const op of replays) {
        const row = stored.get(op.id);
        if (row?.owner_id !== ownerId || row.body_hash !== hashes.get(op.id))
          throw new Error(`raw baseline: replay ${op.id} not answered from the ledger`);
      }
      for (const op of fresh) {
        if (stored.has(op.id))
          throw new Error(`raw baseline: new op ${op.id} already in the ledger`);
        const args = op.args as OpArgsOf<'draft.put'>;
        // Stamped as the merge stamps a new form's fields: the time and the op that wrote each.
        const stamps: FieldStamps = Object.fromEntries(
          Object.entries(args.fieldTimes).map(([field, t]) => [field, { t, op: op.id }]),
        );
        await sql.begin(async (tx) => {
          const [row] = await tx`
            insert into sync_ops (id, owner_id, type, body_hash, result)
            values (${op.id}, ${ownerId}, ${op.type}, ${hashes.get(op.id)!},
              ${jsonb(tx, { formId: args.formId, lost: 0 })})
            on conflict (id) do nothing returning id`;
          if (!row) throw new Error(`raw baseline: op ${op.id} applied twice`);
          await tx`
            insert into forms (id, owner_id, song_count, draft, field_times)
            values (${args.formId}, ${ownerId}, ${args.draft.songCount}, ${jsonb(tx, args.draft)},
              ${jsonb(tx, stamps)})`;
        });
      }
      const finished = performance.now();
      fresh.forEach((op) => backlog.add(op));
      replays.forEach((op) => distinct.note(op.id));
      // Counted by when it is answered, as the API's batches are.
      if (finished < warmEnd || finished > deadline) continue;
      latencies.push(finished - started);
      applied += fresh.length;
      replayed += replays.length;
    }
  };
  await Promise.all(owners.map(client));
  const stormSec = shape.stormMs / 1000;
  return {
    stormSec: round(stormSec, 2),
    appliedOpsPerSec: Math.round(applied / stormSec),
    replayedOpsPerSec: Math.round(replayed / stormSec),
    batchP50Ms: round(percentile(latencies, 50)),
    batchP99Ms: round(percentile(latencies, 99)),
    applied,
    replayed,
  };
}
