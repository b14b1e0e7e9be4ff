-- Pay once across methods: once a form's songs are paid, its other open checkouts close, and a
-- card payment that completes anyway is recorded and refunded, once. See docs/payments.md.

-- A refunded order was paid first: the money came in, and it goes back.
alter table orders drop constraint orders_status_check;
alter table orders add constraint orders_status_check
  check (status in ('pending', 'paid', 'failed', 'expired', 'refunded'));
alter table orders drop constraint orders_check;
alter table orders add constraint orders_paid_at_check
  check ((status in ('paid', 'refunded')) = (paid_at is not null));

alter table orders
  -- 'already_paid': another order of the form paid for its songs first (paid_by_order), so this
  -- one was closed (expired) or, when its payment came in anyway, refunded.
  add column end_reason text check (end_reason in ('already_paid')),
  add column paid_by_order uuid references orders (id) on delete set null,
  -- Set once the gateway says a closed order's checkout can take no payment any more.
  add column session_closed_at timestamptz,
  -- Recorded in the transaction that records the payment; made through the gateway after it
  -- commits (refund_id, refunded_at). A failed call is retried from refund_next_at.
  add column refund_requested_at timestamptz,
  add column refund_id text unique,
  add column refunded_at timestamptz,
  add column refund_attempts integer not null default 0,
  add column refund_error text,
  add column refund_next_at timestamptz,
  add constraint orders_refund_check
    check ((status = 'refunded') = (refund_requested_at is not null) and (refunded_at is null or status = 'refunded'));

-- What the sweep looks for: refunds not made yet, and closed orders whose checkout may be open.
create index orders_refund_due_idx on orders (refund_next_at)
  where status = 'refunded' and refunded_at is null;
create index orders_close_due_idx on orders (updated_at)
  where status = 'expired' and end_reason = 'already_paid' and session_closed_at is null;
