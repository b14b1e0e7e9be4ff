-- Gift links: a paid song (or a whole paid order) given to someone through /g/<code>. See
-- docs/gifts.md. The code is the recipient's only key, so it is unique and at least 128 random
-- bits (made on the buyer's device; the shape is checked here too). The buyer sees their gifts
-- through Zero (owner-only queries); the page reads them on the server, by code.
create table gifts (
  id uuid primary key,
  owner_id uuid not null references owners (id) on delete cascade,
  form_id uuid not null references forms (id) on delete cascade,
  -- One song of the form, or null for every paid song of it.
  song_index integer check (song_index between 0 and 4),
  code text not null unique check (code ~ '^[A-Za-z0-9_-]{22,43}$'),
  from_name text check (char_length(from_name) <= 60),
  to_name text check (char_length(to_name) <= 60),
  message text check (char_length(message) <= 600),
  -- Before this instant the page counts down and no audio leaves the server.
  reveal_at timestamptz,
  allow_download boolean not null default false,
  created_at timestamptz not null default now(),
  revoked_at timestamptz
);
create index gifts_form_idx on gifts (form_id);

alter publication refrain_sync add table gifts;
