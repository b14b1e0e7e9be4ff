import type { Sql } from 'postgres';
import { isGiftCode } from '../../schema/gifts.ts';
import { timedLines, type GiftLine } from './lyrics.ts';

/** One song of a gift, with only what the gift page shows: nothing about who bought it. */
export interface GiftSong {
  /** 1-based place in the gift; the song's URLs use it, so they say nothing of other songs. */
  n: number;
  title: string;
  lyrics: string | null;
  lines: GiftLine[];
  durationSec: number | null;
  audioFile: string | null;
  /** The provider's cover, when one was stored (JPEG or PNG). */
  coverFile: string | null;
  coverType: string | null;
  /** What the drawn cover is made from when there is no stored one. */
  mood: string;
}

/** A gift that has not been revoked, as its page shows it. */
export interface Gift {
  code: string;
  fromName: string | null;
  toName: string;
  message: string | null;
  revealAt: Date | null;
  allowDownload: boolean;
  songs: GiftSong[];
}

/**
 * The gift behind a code, or undefined for a code that is unknown, revoked, or names no paid
 * song. Only unlocked takes are read: a gift plays what an order paid for and nothing else.
 */
export async function giftByCode(sql: Sql, code: string): Promise<Gift | undefined> {
  if (!isGiftCode(code)) return undefined;
  const [gift] = await sql<
    {
      form_id: string;
      song_index: number | null;
      from_name: string | null;
      to_name: string | null;
      message: string | null;
      reveal_at: Date | null;
      allow_download: boolean;
    }[]
  >`
    select form_id, song_index, from_name, to_name, message, reveal_at, allow_download
    from gifts where code = ${code} and revoked_at is null`;
  if (!gift) return undefined;
  const rows = await sql<
    {
      song_index: number;
      title: string | null;
      lyrics: string | null;
      lyrics_timestamped: unknown;
      duration_sec: number | null;
      audio_file: string | null;
      cover_file: string | null;
      cover_type: string | null;
      recipient: string | null;
      mood: string | null;
      music_style: string | null;
    }[]
  >`
    select u.song_index, coalesce(t.title, s.title) as title, coalesce(t.lyrics, s.lyrics) as lyrics,
      t.lyrics_timestamped, t.duration_sec, t.audio_file,
      c.file as cover_file, c.content_type as cover_type,
      g.brief->>'recipient' as recipient, g.brief->>'mood' as mood, s.music_style
    from unlocks u
      join takes t on t.id = u.take_id
      join slots s on s.id = t.slot_id
      left join slot_covers c on c.slot_id = s.id and c.file is not null
      left join songs g on g.form_id = u.form_id and g.song_index = u.song_index
    where u.form_id = ${gift.form_id}
      and (${gift.song_index}::int is null or u.song_index = ${gift.song_index}::int)
    order by u.song_index, u.unlocked_at`;
  if (rows.length === 0) return undefined;
  const recipients = [...new Set(rows.map((r) => r.recipient?.trim()).filter(Boolean))];
  return {
    code,
    fromName: gift.from_name,
    toName: gift.to_name ?? (recipients.join(' & ') || 'you'),
    message: gift.message,
    revealAt: gift.reveal_at,
    allowDownload: gift.allow_download,
    songs: rows.map((r, i) => ({
      n: i + 1,
      title: r.title?.trim() || `A song for ${r.recipient?.trim() || 'you'}`,
      lyrics: r.lyrics,
      lines: timedLines(r.lyrics_timestamped),
      durationSec: r.duration_sec,
      audioFile: r.audio_file,
      coverFile: r.cover_file,
      coverType: r.cover_type,
      mood: r.mood?.trim() || r.music_style?.trim() || '',
    })),
  };
}

/** Whether the gift may be heard at `now`: no reveal date, or one that has come. */
export const isRevealed = (gift: Pick<Gift, 'revealAt'>, now = new Date()) =>
  !gift.revealAt || gift.revealAt.getTime() <= now.getTime();
