-- Only what screens read reaches zero-cache. Every published change is decoded by Postgres,
-- stored by zero-cache's change log and applied to its replica, whatever the client then reads,
-- so each synced table is published with a column list naming exactly the columns its Zero table
-- (schema/zero.ts) declares; tests/integration/zero.publication.test.ts holds the two lists equal.
-- Left out: leases, provider task ids and answers, music prompts, timed lyrics, remote links,
-- refund and checkout bookkeeping, op ids, and times no screen shows. A column list narrows each
-- row, not which changes are sent: an update of unpublished columns alone still reaches
-- zero-cache, only smaller. docs/architecture.md lists what is published and why.

-- A device merging another device's edits needs each field's edit time, not the op that made it:
-- field_times' {t, op} stamps (the server's tie-break) are more than half of a form's row, and a
-- form's row is replicated on every draft put and every change of its slots' progress. edit_times
-- carries the times alone, published in field_times' place; the trigger keeps it equal to
-- field_times however the row is written.
alter table forms add column edit_times jsonb not null default '{}'::jsonb;

create function edit_times_of(stamps jsonb) returns jsonb language sql immutable as $$
  select coalesce(jsonb_object_agg(key, value -> 't'), '{}'::jsonb) from jsonb_each(stamps)
$$;

create function keep_edit_times() returns trigger language plpgsql as $$
begin
  new.edit_times := edit_times_of(new.field_times);
  return new;
end $$;
create trigger forms_edit_times before insert or update of field_times on forms
  for each row execute function keep_edit_times();

update forms set edit_times = edit_times_of(field_times) where field_times <> '{}'::jsonb;

-- zero-cache sees a changed publication when it starts and syncs its replica again from scratch.
alter publication refrain_sync set table
  forms (id, owner_id, status, song_count, draft, edit_times, progress_ready, progress_total,
         updated_at),
  songs (form_id, song_index, owner_id, brief),
  slots (id, form_id, song_index, variation_index, attempt, owner_id, is_current, status, preset,
         title, lyrics, cover_url, error, waiting_since, expected_ready_at),
  takes (id, slot_id, form_id, owner_id, take_index, title, lyrics, preview_url),
  take_streams (id, slot_id, owner_id, form_id, take_index, stream_url, created_at),
  selections (form_id, song_index, owner_id, slot_id, take_index),
  draft_history (id, form_id, owner_id, field, value),
  orders (id, owner_id, form_id, method, status, items, song_count, amount_cents, currency,
          credits_spent, buyer_email, receipt_number, created_at, paid_at, end_reason,
          refunded_at),
  owners (id, credits),
  gifts (id, owner_id, form_id, song_index, code, from_name, to_name, message, reveal_at,
         created_at, revoked_at);
