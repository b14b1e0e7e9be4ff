import postgres from 'postgres';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { storeCover } from '../../server/slots/outcome.ts';
import { bookResend } from '../../server/slots/reconciler.ts';
import { makeGuest } from '../helpers/api.ts';
import { slotsOf, testSql } from '../helpers/generation.ts';
import { createForm, ops, sync } from '../helpers/ops.ts';
import { waitFor } from '../helpers/stack.ts';

const sql = testSql();
// The writer's own connection, named so the test can see when it waits for a lock.
const APP = `lock-order-${process.pid}`;
const writerSql = postgres(inject('stack').databaseUrl, {
  max: 1,
  onnotice: () => {},
  connection: { application_name: APP },
});
afterAll(async () => {
  await writerSql.end();
  await sql.end();
});

async function newSlot(): Promise<string> {
  const guest = await makeGuest();
  const formId = await createForm(guest, 1);
  const [submitted] = await sync(guest, [ops.submit(formId)]);
  expect(submitted!.status).toBe('applied');
  return (await slotsOf(sql, formId)).find((s) => s.is_current)!.id;
}

/**
 * Runs `writer` while a webhook's merge of the same slot is under way, in the order
 * server/slots/outcome.ts merges: the form's lock, the slot's row, then `mergeRest` (its cover
 * link, its open calls). The writer starts once the merge holds the slot's row, and the merge goes
 * on once the writer waits for a lock: the form's if it keeps the order, else the slot's after
 * taking a row the merge needs next, which Postgres ends with "deadlock detected".
 */
async function raceWithMerge<T>(
  slotId: string,
  mergeRest: (tx: postgres.TransactionSql) => Promise<unknown>,
  writer: () => Promise<T>,
): Promise<T> {
  let writing: Promise<T> | undefined;
  await sql.begin(async (tx) => {
    await tx`select f.id from forms f join slots s on s.form_id = f.id where s.id = ${slotId} for update of f`;
    await tx`update slots set updated_at = now() where id = ${slotId}`;
    writing = writer();
    writing.catch(() => undefined); // awaited below, after the merge ends
    await waitFor(
      async () =>
        (
          await sql`select 1 from pg_stat_activity where application_name = ${APP} and wait_event_type = 'Lock'`
        ).length > 0,
      60_000,
      () => 'the writer to wait for a lock',
    );
    await mergeRest(tx);
  });
  return writing!;
}

describe('lock order: form, then its rows', () => {
  it('storing a cover while a webhook merges the same slot never deadlocks', async () => {
    const slotId = await newSlot();
    const link = 'https://files.test/c.jpg';
    await sql`insert into slot_covers (slot_id, remote_url) values (${slotId}, ${link})`;
    const stored = await raceWithMerge(
      slotId,
      (tx) => tx`
        insert into slot_covers (slot_id, remote_url) values (${slotId}, ${link})
        on conflict (slot_id) do update set remote_url = coalesce(slot_covers.remote_url, excluded.remote_url)`,
      () =>
        storeCover(writerSql, slotId, {
          file: `${slotId}.jpg`,
          contentType: 'image/jpeg',
          url: `/api/covers/${slotId}`,
        }),
    );
    expect(stored).toBe(true);
    const [cover] = await sql<
      { file: string | null }[]
    >`select file from slot_covers where slot_id = ${slotId}`;
    expect(cover!.file).toBe(`${slotId}.jpg`);
    const [slot] = await sql<
      { cover_url: string | null }[]
    >`select cover_url from slots where id = ${slotId}`;
    expect(slot!.cover_url).toBe(`/api/covers/${slotId}`);
  });

  it('booking a re-send while a webhook names the task never deadlocks', async () => {
    const slotId = await newSlot();
    const [lost] = await sql<{ id: string }[]>`
      insert into provider_calls (slot_id, provider, kind) values (${slotId}, 'musicgpt', 'submit') returning id`;
    const [before] = await sql<
      { resubmits: number }[]
    >`select resubmits from slots where id = ${slotId}`;
    await raceWithMerge(
      slotId,
      (tx) => tx`
        update provider_calls set state = 'accepted', finished_at = now()
        where slot_id = ${slotId} and state = 'sending' and kind in ('submit', 'resubmit')`,
      () => bookResend(writerSql, slotId),
    );
    // Closed (by the merge, which came first, or by the slot's end if its render finished); the
    // re-send is still counted: the reconciler decided on it before the webhook arrived.
    const [call] = await sql<
      { state: string }[]
    >`select state from provider_calls where id = ${lost!.id}`;
    expect(call!.state).not.toBe('sending');
    const [after] = await sql<
      { resubmits: number }[]
    >`select resubmits from slots where id = ${slotId}`;
    expect(after!.resubmits).toBe(before!.resubmits + 1);
  });
});
