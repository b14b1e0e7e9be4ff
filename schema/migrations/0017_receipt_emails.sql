-- Receipts by email (when SMTP_URL is set): one row per paid order whose buyer gave an address.
-- The primary key is the order, so however many payment events, processes or sweeps reach an
-- order, one row is made for it, and only the process whose conditional update moves the row to
-- 'sending' talks to the mail server. Server-side only: not in the publication. See
-- docs/receipts.md for each state and what a crash in each leaves.
create table receipt_emails (
  order_id uuid primary key references orders (id) on delete cascade,
  recipient text not null,
  -- queued: due at next_at (first send, or a retry after the server refused or was unreachable);
  -- sending: one process has it now; sent: the mail server accepted it;
  -- failed: given up after the last attempt; unknown: the process died or lost the connection
  -- while the message may have been accepted, so it is never sent again (at most once).
  status text not null default 'queued'
    check (status in ('queued', 'sending', 'sent', 'failed', 'unknown')),
  attempts integer not null default 0 check (attempts >= 0),
  next_at timestamptz not null default now(),
  -- Until when the process in 'sending' holds it; past this it is taken for dead.
  lease_until timestamptz,
  last_error text,
  message_id text,
  created_at timestamptz not null default now(),
  sent_at timestamptz,
  check ((status = 'sent') = (sent_at is not null)),
  check ((status = 'sending') = (lease_until is not null))
);
create index receipt_emails_due_idx on receipt_emails (next_at) where status = 'queued';
-- The sweep's look for recently paid orders with an address.
create index orders_paid_with_email_idx on orders (paid_at)
  where status = 'paid' and buyer_email is not null;

-- Every listening API process hears at once that an order was paid (a sweep finds any missed).
create function notify_order_paid() returns trigger
language plpgsql as $$
begin
  perform pg_notify('refrain_order_paid', new.id::text);
  return new;
end;
$$;

create trigger orders_paid
  after update of status on orders
  for each row
  when (new.status = 'paid' and old.status is distinct from new.status)
  execute function notify_order_paid();
