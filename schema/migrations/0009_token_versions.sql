-- "Sign out everywhere": every token names the token version of its owner it was issued under,
-- and each request checks it against this column. Raising the version ends every token issued
-- before, on every device, at its next request; the device that asked gets a token of the new one.
-- Not replicated: owners is published with the column list (id, credits) only.
alter table owners add column token_version integer not null default 1 check (token_version >= 1);
