-- A variation made again before paying, with the person's own lyrics or a short direction
-- ("slower", "mention the dog"): a new attempt of the slot that says which attempt it revises
-- and what was asked. The lyrics and prompt it is made from are on the row itself, so the writer
-- is not asked again and the provider gets the person's words as they wrote them.
alter table slots
  add column revised_from uuid references slots (id),
  add column direction text;

create index slots_revisions_idx on slots (form_id, song_index) where revised_from is not null;

alter table generation_events drop constraint generation_events_kind_check;
alter table generation_events add constraint generation_events_kind_check
  check (kind in ('requested', 'claimed', 'written', 'fallback', 'submitted', 'resubmitted',
                  'polled', 'completed', 'failed', 'retried', 'resumed', 'revised'));
