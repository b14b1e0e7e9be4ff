import type { Sql, TransactionSql } from 'postgres';

/**
 * Whether a slot may take one of the provider account's task places now; call under the
 * account's advisory lock. With room for this slot and every other live waiting slot, it goes at
 * once. Otherwise it joins the account's waiting line (keeping its first waiting time) and goes
 * only if it is among the first `free` of the line, ordered by the owner's tasks in flight
 * (fewest first), then by waiting time. So one owner's backlog waits behind every other owner's
 * first slot: a newcomer is next as soon as one place frees up. Slots whose lease ran out (their
 * process died) hold no place in the line. `waited` says the slot has a line entry to remove.
 *
 * A task place is held only by what can still be running at the provider: a generating slot's
 * task, or a call still `sending` for a slot that is still queued (its answer may yet come, or
 * was lost with its process while the task runs on), and not one older than `timeoutMs`
 * (GENERATION_TIMEOUT_MS), by which time its task finished or its slot failed. A call left
 * `sending` on a slot that ended holds nothing.
 */
export async function mayTakeTaskPlace(
  tx: TransactionSql,
  provider: string,
  slotId: string,
  maxTasks: number,
  timeoutMs: number,
): Promise<{ admitted: boolean; waited: boolean }> {
  const [now] = await tx<{ open: number; others: number; waited: boolean }[]>`
    select (select count(*) from slots where provider = ${provider} and status = 'generating')::int
         + (select count(*) from provider_calls c join slots s on s.id = c.slot_id
            where c.provider = ${provider} and c.state = 'sending' and c.kind in ('submit', 'resubmit')
              and s.status = 'queued'
              and c.started_at > now() - ${timeoutMs} * interval '1 millisecond')::int as open,
           (select count(*) from provider_waits w join slots s on s.id = w.slot_id
            where w.provider = ${provider} and w.slot_id <> ${slotId}
              and s.status = 'queued' and s.lease_expires_at > now())::int as others,
           exists (select 1 from provider_waits where slot_id = ${slotId}) as waited`;
  const free = maxTasks - now!.open;
  if (free > now!.others) return { admitted: true, waited: now!.waited };
  if (!now!.waited) {
    await tx`
      insert into provider_waits (slot_id, provider, owner_id)
      select id, provider, owner_id from slots where id = ${slotId}
      on conflict (slot_id) do nothing`;
    await markWaiting(tx, slotId);
  }
  if (free <= 0) return { admitted: false, waited: true };
  const [line] = await tx<{ place: number | null }[]>`
    with in_flight as (
      select owner_id from slots where provider = ${provider} and status = 'generating'
      union all
      select s.owner_id from provider_calls c join slots s on s.id = c.slot_id
      where c.provider = ${provider} and c.state = 'sending' and c.kind in ('submit', 'resubmit')
        and s.status = 'queued'
        and c.started_at > now() - ${timeoutMs} * interval '1 millisecond'
    ), per_owner as (
      select owner_id, count(*) as n from in_flight group by owner_id
    ), waiting as (
      select w.slot_id,
             row_number() over (order by coalesce(o.n, 0), w.waiting_since, w.slot_id) as place
      from provider_waits w
      join slots s on s.id = w.slot_id
      left join per_owner o on o.owner_id = w.owner_id
      where w.provider = ${provider} and s.status = 'queued' and s.lease_expires_at > now()
    )
    select place::int from waiting where slot_id = ${slotId}`;
  return { admitted: !!line?.place && line.place <= free, waited: true };
}

/** The slot stopped waiting: it got its call, or its job ended. */
export async function leaveTaskLine(sql: Sql | TransactionSql, slotId: string): Promise<void> {
  await sql`delete from provider_waits where slot_id = ${slotId}`;
}

/** The slot's card says it waits for a free place at the provider, from the first wait on. */
export async function markWaiting(sql: Sql | TransactionSql, slotId: string): Promise<void> {
  await sql`
    update slots set waiting_since = now(), updated_at = now()
    where id = ${slotId} and waiting_since is null and status = 'queued'`;
}
