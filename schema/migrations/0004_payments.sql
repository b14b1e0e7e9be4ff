-- Checkout and delivery: orders, what a paid order unlocks, credits, and the preview file that is
-- all anyone hears before paying. See docs/payments.md for the rules these keys enforce.

-- Granted only by the server. A spend is one conditional update (credits >= n), so concurrent
-- purchases can never take the balance below zero; the check is the backstop.
alter table owners add column credits integer not null default 0 check (credits >= 0);

-- The excerpt served before payment, beside the full take in audio storage.
alter table takes add column preview_file text;

create sequence receipt_numbers;

create table orders (
  id uuid primary key,
  owner_id uuid not null references owners (id) on delete cascade,
  form_id uuid not null references forms (id) on delete cascade,
  method text not null check (method in ('stripe', 'demo', 'credits')),
  status text not null default 'pending' check (status in ('pending', 'paid', 'failed', 'expired')),
  -- What was bought, frozen at checkout: [{songIndex, slotId, take, takeId, title}]. A later
  -- selection change does not change what this order paid for.
  items jsonb not null,
  selection_hash text not null,
  song_count integer not null check (song_count between 1 and 5),
  amount_cents integer not null check (amount_cents >= 0),
  currency text not null,
  credits_spent integer not null default 0 check (credits_spent >= 0),
  -- One Checkout Session per order; a webhook finds its order by it.
  session_id text unique,
  checkout_url text,
  session_expires_at timestamptz,
  buyer_email text,
  payment_intent text,
  receipt_number text unique,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  paid_at timestamptz,
  ended_at timestamptz,
  check ((status = 'paid') = (paid_at is not null))
);
-- At most one open order per form, selection and method: a double click or a replayed request
-- lands on the first one. Ended orders step aside, so a new attempt can start; a paid one is
-- found by the checkout before it opens another.
create unique index orders_pending_idx on orders (form_id, selection_hash, method) where status = 'pending';
create index orders_owner_idx on orders (owner_id, created_at desc);

-- Takes a paid order unlocked. Keyed by the take: however many events or orders pay for it, it
-- is unlocked once. Server-only; clients see the order.
create table unlocks (
  take_id uuid primary key references takes (id) on delete cascade,
  order_id uuid not null references orders (id) on delete cascade,
  owner_id uuid not null references owners (id) on delete cascade,
  form_id uuid not null references forms (id) on delete cascade,
  song_index integer not null,
  unlocked_at timestamptz not null default now()
);
create index unlocks_form_idx on unlocks (form_id, song_index);

-- Owners replicate with their balance only (a column list), so nothing else about an owner
-- reaches zero-cache.
alter publication refrain_sync add table orders, owners (id, credits);
