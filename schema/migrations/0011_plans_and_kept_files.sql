-- Two changes that keep songs coming on any MusicGPT plan and downloads working after MusicGPT
-- deletes its files.

-- A slot waiting for a free place at the music provider (the account's plan runs only so many
-- tasks at once, or the provider answered "busy") says so on its card: `waiting_since` is set
-- while it waits and cleared once the provider takes it. Replicated with the rest of the slot.
alter table slots add column waiting_since timestamptz;

-- The reconciler counts the byId calls of the last minute per account, under a lock, before it
-- polls (MusicGPT's plans allow 20, 200 or 500 a minute).
create index provider_calls_polls_idx on provider_calls (provider, started_at) where kind = 'poll';

-- WAVs are kept when a take arrives, since MusicGPT deletes its copies after 7 days; the
-- reconciler looks for the ones still missing on every pass.
create index takes_wav_missing_idx on takes (created_at)
  where remote_wav_url is not null and wav_file is null;
