-- When a variation is expected to be ready, so its card can count down and the results page can
-- say whether a song will be ready for its occasion. Set when the provider call is answered
-- (MusicGPT's `eta`; the built-in engine's estimate from its measured speed and its queue) and
-- moved by the engine as its queue advances. Only an estimate: nothing waits on it or expires by
-- it. slots is published whole, so the column replicates to clients with the rest of the row.
alter table slots add column expected_ready_at timestamptz;
