-- Web Push: a device that allowed notifications is told when its songs are ready or one needs
-- attention, so nobody has to keep the tab open. Server-side only: not in the publication.

-- One row per device: the push service's endpoint and the keys its messages are encrypted to.
-- The endpoint is outside input; it is posted to only under the media policy (server/push/).
create table push_subscriptions (
  endpoint text primary key,
  owner_id uuid not null references owners (id) on delete cascade,
  p256dh text not null,
  auth text not null,
  created_at timestamptz not null default now(),
  last_sent_at timestamptz
);
create index push_subscriptions_owner_idx on push_subscriptions (owner_id);

-- One row per notice a form earned (its settlement: status and attempts). Every API process
-- hears the same settlement; only the one whose insert wins sends, so a person gets one
-- notification per settlement however many processes, replays or sweeps there are.
create table push_notices (
  key text primary key,
  form_id uuid not null references forms (id) on delete cascade,
  created_at timestamptz not null default now()
);

-- A form's status is derived from its slots (refresh_form_status); when it settles, every
-- listening API process is told at once.
create function notify_form_settled() returns trigger
language plpgsql as $$
begin
  perform pg_notify('refrain_form_settled', new.id::text);
  return new;
end;
$$;

create trigger forms_settled
  after update of status on forms
  for each row
  when (new.status in ('ready', 'failed') and old.status is distinct from new.status)
  execute function notify_form_settled();
