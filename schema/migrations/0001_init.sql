-- Owners are guests until they attach an email; every row a person can see hangs off one.
create table owners (
  id uuid primary key,
  created_at timestamptz not null default now()
);

-- A form starts as a draft the client keeps in IndexedDB and syncs here; submit freezes it.
create table forms (
  id uuid primary key,
  owner_id uuid not null references owners (id) on delete cascade,
  status text not null default 'draft'
    check (status in ('draft', 'submitted', 'generating', 'ready', 'failed', 'paid')),
  song_count integer not null default 1 check (song_count between 1 and 5),
  draft jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index forms_owner_idx on forms (owner_id, updated_at desc);

-- zero-cache replicates only what this publication lists (ZERO_APP_PUBLICATIONS), so server-only
-- tables (ledgers, secrets, migration bookkeeping) never leave Postgres.
create publication refrain_sync for table forms;
