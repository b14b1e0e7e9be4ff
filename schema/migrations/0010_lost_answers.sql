-- Restarts lose nothing and hold nothing. A built-in engine render lost with its process is
-- rendered again ('resumed', server/slots/reconciler.ts). A provider call whose answer was lost
-- with its process is closed from what is known later (a webhook or byId answer naming the task,
-- or the slot ending), so it no longer holds a place under the account's task cap.

alter table generation_events drop constraint generation_events_kind_check;
alter table generation_events add constraint generation_events_kind_check
  check (kind in ('requested', 'claimed', 'written', 'fallback', 'submitted', 'resubmitted',
                  'polled', 'completed', 'failed', 'retried', 'resumed'));

-- Calls left `sending` on slots that went on without them, before calls were closed this way.
update provider_calls c
set state = 'answered', finished_at = now(),
    response = jsonb_build_object('outcome',
      'unknown: its answer was lost, and the slot went on to ' || s.status)
from slots s
where s.id = c.slot_id and c.state = 'sending' and c.kind in ('submit', 'resubmit')
  and s.status <> 'queued';

-- Admission counts open calls per account under its lock, on every call.
create index provider_calls_sending_idx on provider_calls (provider) where state = 'sending';
