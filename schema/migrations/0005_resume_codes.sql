-- "Continue on another device": a one-time code, stored only as its hash, that gives the device
-- redeeming it a session for the same owner. Single use, short-lived.
create table resume_codes (
  code_hash text primary key,
  owner_id uuid not null references owners (id) on delete cascade,
  expires_at timestamptz not null,
  used_at timestamptz,
  created_at timestamptz not null default now()
);
create index resume_codes_owner_idx on resume_codes (owner_id);
