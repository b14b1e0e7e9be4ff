-- Rate limits shared by every API process: one fixed-window counter per key (`<limit>:<who>`),
-- in the shape rate-limiter-flexible's Postgres store reads and writes. `expire` is epoch ms.
-- Server-only: not in the publication.
create table rate_limits (
  key varchar(255) primary key,
  points integer not null default 0,
  expire bigint
);
create index rate_limits_expire_idx on rate_limits (expire);

-- Slots waiting for a free task place at their provider account. Admission is fair across
-- owners: among the waiting slots whose lease is alive, the owner with the fewest tasks in flight
-- goes first, then the longest waiting (server/slots/admission.ts). A row leaves when its slot
-- gets its call or stops waiting. Kept apart from `slots` so a scheduling mark never replicates
-- to anyone's devices.
create table provider_waits (
  slot_id uuid primary key references slots (id) on delete cascade,
  provider text not null,
  owner_id uuid not null,
  waiting_since timestamptz not null default now()
);
create index provider_waits_provider_idx on provider_waits (provider, waiting_since);
