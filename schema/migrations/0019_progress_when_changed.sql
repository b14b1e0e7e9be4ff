-- A form's progress is refreshed on every change of its slots, most of which (a provider's
-- answer, a lease, a cover, a poll) move neither its counts nor its status. Each such update
-- wrote the whole row again, and a form's row is published with its draft: zero-cache decoded,
-- stored and sent a full draft per slot event, ahead of the slot change a device waits for. The
-- row is now written only when what it says changes; updated_at then means "last changed".
create or replace function refresh_form_progress(target uuid) returns void language sql as $$
  update forms f set
    progress_ready = next.ready,
    progress_total = next.total,
    status = next.status,
    updated_at = now()
  from (
    select s.ready, s.total,
      case
        when f0.status = 'paid' then 'paid'
        when s.total = 0 then f0.status
        when s.ready = s.total then 'ready'
        when s.pending > 0 then 'generating'
        else 'failed'
      end as status
    from forms f0, (
      select count(*) filter (where status = 'ready') as ready,
             count(*) filter (where status in ('queued', 'generating')) as pending,
             count(*) as total
      from slots where form_id = target and is_current
    ) s
    where f0.id = target
  ) next
  where f.id = target
    and (f.progress_ready, f.progress_total, f.status)
      is distinct from (next.ready, next.total, next.status);
$$;
