import type { Sql } from 'postgres';
import type { SongBrief } from '../../schema/draft.ts';
import { jsonb } from '../db/jsonb.ts';
import {
  presetOfSlot,
  writerCacheKey,
  type Writer,
  type WriterInput,
  type WriterOutput,
} from '../writer/index.ts';
import { recordEvent } from './events.ts';

interface SlotForText {
  id: string;
  form_id: string;
  song_index: number;
  variation_index: number;
  /** The preset id the slot was claimed with; its card shows this preset's label. */
  preset: string;
  song_count: number;
  brief: SongBrief;
}

/**
 * Gives a slot its title, music prompt, style and lyrics: from the cache when this exact song was
 * written before (any device, any resubmit), else from the writer. A fallback from Groq to the
 * built-in writer is recorded and not cached, so the next time Groq is asked again.
 */
export async function writeSlotText(
  sql: Sql,
  writer: Writer,
  slot: SlotForText,
): Promise<WriterOutput> {
  const input: WriterInput = {
    song: slot.brief,
    form: { songCount: slot.song_count },
    preset: presetOfSlot(slot.brief, slot.preset, slot.variation_index),
    songIndex: slot.song_index,
  };
  const key = writerCacheKey(input, writer);
  const [hit] = await sql<{ output: WriterOutput }[]>`
    update writer_cache set hits = hits + 1 where key = ${key} returning output`;
  let output: WriterOutput;
  if (hit) {
    output = hit.output;
    await recordEvent(sql, slot.id, slot.form_id, 'written', { cached: true, writer: writer.name });
  } else {
    const result = await writer.write(input);
    output = result.output;
    if (result.fellBack) {
      await recordEvent(sql, slot.id, slot.form_id, 'fallback', {
        from: writer.name,
        reason: result.fellBack.reason,
      });
    } else {
      await sql`
        insert into writer_cache (key, writer, model, output)
        values (${key}, ${result.writer}, ${writer.model}, ${jsonb(sql, output)})
        on conflict (key) do nothing`;
    }
    await recordEvent(
      sql,
      slot.id,
      slot.form_id,
      'written',
      { cached: false, writer: result.writer },
      result.ms,
    );
  }
  await sql`
    update slots set title = ${output.title}, music_prompt = ${output.musicPrompt},
      music_style = ${output.musicStyle}, lyrics = ${output.lyrics}, writer = ${writer.name}, updated_at = now()
    where id = ${slot.id}`;
  return output;
}
