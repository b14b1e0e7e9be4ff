-- Written text (prompt, style, lyrics, title) by a hash of everything that shapes it: an
-- unchanged song reuses its text on resubmit and from any device, and never calls the writer.
create table writer_cache (
  key text primary key,
  writer text not null,
  model text not null,
  output jsonb not null,
  hits integer not null default 0,
  created_at timestamptz not null default now()
);
