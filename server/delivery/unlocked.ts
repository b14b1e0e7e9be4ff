import type { Sql } from 'postgres';

/** A take a paid order unlocked, with what its downloads need. */
export interface UnlockedTake {
  take_id: string;
  slot_id: string;
  form_id: string;
  owner_id: string;
  order_id: string;
  song_index: number;
  title: string | null;
  lyrics: string | null;
  audio_file: string | null;
  wav_file: string | null;
  remote_wav_url: string | null;
}

const columns = (sql: Sql) => sql`
  u.take_id, t.slot_id, u.form_id, u.owner_id, u.order_id, u.song_index,
  coalesce(t.title, s.title) as title, coalesce(t.lyrics, s.lyrics) as lyrics,
  t.audio_file, t.wav_file, t.remote_wav_url`;

/** Every take of the form that a paid order unlocked, in song order. */
export function unlockedTakesOf(sql: Sql, formId: string): Promise<UnlockedTake[]> {
  return sql<UnlockedTake[]>`
    select ${columns(sql)}
    from unlocks u join takes t on t.id = u.take_id join slots s on s.id = t.slot_id
    where u.form_id = ${formId}
    order by u.song_index, u.unlocked_at`;
}

/** The take if a paid order unlocked it; undefined means it is not paid for. */
export async function unlockedTake(sql: Sql, takeId: string): Promise<UnlockedTake | undefined> {
  const [take] = await sql<UnlockedTake[]>`
    select ${columns(sql)}
    from unlocks u join takes t on t.id = u.take_id join slots s on s.id = t.slot_id
    where u.take_id = ${takeId}`;
  return take;
}
