-- Generation core: drafts merged per field, songs frozen on submit, one row per slot attempt,
-- two takes per provider task, and the ledgers that make replays harmless.

alter table forms
  add column field_times jsonb not null default '{}'::jsonb,
  add column submitted_at timestamptz,
  add column progress_ready integer not null default 0,
  add column progress_total integer not null default 0;

-- Every value a merge overwrote (or refused), so a person can take it back.
create table draft_history (
  id bigserial primary key,
  form_id uuid not null references forms (id) on delete cascade,
  owner_id uuid not null references owners (id) on delete cascade,
  field text not null,
  value jsonb,
  field_time bigint not null,
  op_id uuid not null,
  lost_to_op uuid not null,
  created_at timestamptz not null default now()
);
create index draft_history_form_idx on draft_history (form_id, field, id desc);

-- A song's brief is frozen the first time anything asks to generate it; later draft edits do
-- not change songs already generating.
create table songs (
  form_id uuid not null references forms (id) on delete cascade,
  song_index integer not null check (song_index between 0 and 4),
  owner_id uuid not null references owners (id) on delete cascade,
  brief jsonb not null,
  created_at timestamptz not null default now(),
  primary key (form_id, song_index)
);

-- The exactly-once unit. (form, song, variation, attempt) is unique; a retry is a new attempt,
-- and at most one attempt per (form, song, variation) is current.
create table slots (
  id uuid primary key,
  form_id uuid not null,
  song_index integer not null,
  variation_index integer not null check (variation_index between 0 and 2),
  attempt integer not null default 1 check (attempt >= 1),
  owner_id uuid not null references owners (id) on delete cascade,
  is_current boolean not null default true,
  status text not null default 'queued'
    check (status in ('queued', 'generating', 'ready', 'failed')),
  preset text not null,
  title text,
  music_prompt text,
  music_style text,
  lyrics text,
  writer text,
  provider text not null,
  task_id text,
  conversion_ids jsonb,
  cover_url text,
  lease_owner text,
  lease_expires_at timestamptz,
  resubmits integer not null default 0,
  submitted_at timestamptz,
  last_polled_at timestamptz,
  completed_at timestamptz,
  error text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  foreign key (form_id, song_index) references songs (form_id, song_index) on delete cascade,
  unique (form_id, song_index, variation_index, attempt)
);
create unique index slots_current_idx on slots (form_id, song_index, variation_index) where is_current;
create index slots_pending_idx on slots (status, lease_expires_at) where status in ('queued', 'generating');
create index slots_task_idx on slots (task_id) where task_id is not null;

-- Two takes per task. Keyed by the provider's conversion id, so webhooks for one take in any
-- order and any number merge into one row.
create table takes (
  id uuid primary key default gen_random_uuid(),
  slot_id uuid not null references slots (id) on delete cascade,
  owner_id uuid not null references owners (id) on delete cascade,
  form_id uuid not null,
  conversion_id text not null,
  take_index integer check (take_index in (1, 2)),
  title text,
  lyrics text,
  lyrics_timestamped jsonb,
  duration_sec real,
  remote_audio_url text,
  remote_wav_url text,
  audio_file text,
  wav_file text,
  preview_url text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (slot_id, conversion_id)
);
create index takes_pending_download_idx on takes (slot_id) where remote_audio_url is not null and audio_file is null;

-- Which take of each song the person chose.
create table selections (
  form_id uuid not null references forms (id) on delete cascade,
  song_index integer not null check (song_index between 0 and 4),
  owner_id uuid not null references owners (id) on delete cascade,
  slot_id uuid not null references slots (id),
  take_index integer not null check (take_index in (1, 2)),
  updated_at timestamptz not null default now(),
  primary key (form_id, song_index)
);

-- Server-only ledgers: not in the publication, never replicated.

-- Every operation a client sent, by its client-made id: a replay answers from here.
create table sync_ops (
  id uuid primary key,
  owner_id uuid not null,
  type text not null,
  body_hash text not null,
  result jsonb,
  applied_at timestamptz not null default now()
);

-- Every outbound call to a paid provider: what was asked, what came back, what it cost.
create table provider_calls (
  id bigserial primary key,
  slot_id uuid not null references slots (id) on delete cascade,
  provider text not null,
  kind text not null check (kind in ('submit', 'resubmit', 'poll')),
  request_hash text,
  state text not null default 'sending' check (state in ('sending', 'accepted', 'retryable', 'fatal', 'answered')),
  http_status integer,
  response jsonb,
  estimated_cost_cents integer not null default 0,
  started_at timestamptz not null default now(),
  finished_at timestamptz
);
create index provider_calls_slot_idx on provider_calls (slot_id, kind);

-- Every webhook delivery once, keyed by what makes it unique; a second delivery is a no-op.
create table webhook_deliveries (
  source text not null,
  key text not null,
  slot_id uuid,
  payload jsonb not null,
  received_at timestamptz not null default now(),
  primary key (source, key)
);

-- What happened to each slot and when, for analytics and cost tracking.
create table generation_events (
  id bigserial primary key,
  slot_id uuid references slots (id) on delete cascade,
  form_id uuid,
  kind text not null check (kind in ('requested', 'claimed', 'written', 'fallback', 'submitted', 'resubmitted', 'polled', 'completed', 'failed', 'retried')),
  ms integer,
  detail jsonb,
  created_at timestamptz not null default now()
);
create index generation_events_slot_idx on generation_events (slot_id, created_at);

-- Form progress and status follow from its current slots; one definition, called wherever a
-- slot changes, in the same transaction.
create function refresh_form_progress(target uuid) returns void language sql as $$
  update forms f set
    progress_ready = s.ready,
    progress_total = s.total,
    status = case
      when f.status = 'paid' then 'paid'
      when s.total = 0 then f.status
      when s.ready = s.total then 'ready'
      when s.pending > 0 then 'generating'
      else 'failed'
    end,
    updated_at = now()
  from (
    select count(*) filter (where status = 'ready') as ready,
           count(*) filter (where status in ('queued', 'generating')) as pending,
           count(*) as total
    from slots where form_id = target and is_current
  ) s
  where f.id = target;
$$;

alter publication refrain_sync add table songs, slots, takes, selections, draft_history;
