-- Provider media is untrusted: links and files come from webhook bodies anyone holding the URL
-- can write. See docs/security.md.

-- A slot's album cover: the provider's link (server-only, never replicated) and our copy of it,
-- kept only once its bytes parse as JPEG or PNG. slots.cover_url then names our own URL for it,
-- so no device is ever handed a remote link to load.
create table slot_covers (
  slot_id uuid primary key references slots (id) on delete cascade,
  remote_url text,
  file text,
  content_type text check (content_type in ('image/jpeg', 'image/png')),
  stored_at timestamptz,
  check ((file is null) = (content_type is null))
);
insert into slot_covers (slot_id, remote_url) select id, cover_url from slots where cover_url is not null;
update slots set cover_url = null where cover_url is not null;

-- What a person has heard or read stays as it was. Once a slot is ready, its takes' audio, title,
-- lyrics and duration never change and it gets no new takes; still-empty timed lyrics and WAV
-- link may be filled. A take a paid order unlocked keeps all of those, its timed lyrics and WAV
-- link included, for good. server/slots/outcome.ts already merges this way; these triggers hold
-- even for a path that forgets. They keep the old values instead of raising: a late delivery
-- still commits, so the provider does not retry it forever.
create function keep_heard_takes() returns trigger language plpgsql as $$
declare
  is_paid boolean := exists (select 1 from unlocks where take_id = old.id);
  is_ready boolean := exists (select 1 from slots where id = old.slot_id and status = 'ready');
begin
  if is_paid or is_ready then
    new.slot_id := old.slot_id;
    new.conversion_id := old.conversion_id;
    new.title := old.title;
    new.lyrics := old.lyrics;
    new.duration_sec := old.duration_sec;
    new.remote_audio_url := old.remote_audio_url;
    new.audio_file := old.audio_file;
    new.preview_url := old.preview_url;
    -- Files made later from the same audio (a preview cut on first play, the WAV fetched on
    -- first download) may still be recorded once.
    new.preview_file := coalesce(old.preview_file, new.preview_file);
    new.wav_file := coalesce(old.wav_file, new.wav_file);
    new.lyrics_timestamped := coalesce(old.lyrics_timestamped, new.lyrics_timestamped);
    new.remote_wav_url := coalesce(old.remote_wav_url, new.remote_wav_url);
  end if;
  if is_paid then
    new.take_index := old.take_index;
    new.lyrics_timestamped := old.lyrics_timestamped;
    new.remote_wav_url := old.remote_wav_url;
  end if;
  return new;
end $$;
create trigger takes_keep_heard before update on takes
  for each row execute function keep_heard_takes();

create function refuse_takes_of_ready_slots() returns trigger language plpgsql as $$
begin
  if exists (select 1 from slots where id = new.slot_id and status = 'ready') then
    return null;
  end if;
  return new;
end $$;
create trigger takes_none_after_ready before insert on takes
  for each row execute function refuse_takes_of_ready_slots();
