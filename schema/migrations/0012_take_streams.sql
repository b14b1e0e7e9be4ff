-- Listening while a take is made: MusicGPT's pro models send a live HLS playlist per take
-- (`audio_streaming` webhook) minutes before the finished file. The provider's link stays here,
-- server-side; browsers get only `stream_url`, a signed path on this server that fetches the
-- playlist and its segments under the media policy (server/audio/stream.ts).
create table take_streams (
  id uuid primary key,
  slot_id uuid not null references slots (id) on delete cascade,
  owner_id uuid not null references owners (id) on delete cascade,
  form_id uuid not null,
  conversion_id text not null,
  -- 1 or 2 when the submit answer named this take's conversion id, else unknown.
  take_index integer check (take_index in (1, 2)),
  remote_url text not null,
  stream_url text not null,
  created_at timestamptz not null default now(),
  unique (slot_id, conversion_id)
);

-- Replicated without the provider's link.
alter publication refrain_sync add table take_streams
  (id, slot_id, owner_id, form_id, take_index, stream_url, created_at);
