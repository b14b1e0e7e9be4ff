import { withoutUnsavableText } from '../../schema/draft-fields.ts';
import type { DraftDoc } from '../../schema/draft.ts';

/** Typed or pasted text without NULs and lone surrogates (what the server refuses). */
export function cleanText(text: string): string {
  return withoutUnsavableText(text);
}

/** A field value as it is stored: text cleaned, anything else as it is. */
export function cleanValue<T>(value: T): T {
  return (typeof value === 'string' ? cleanText(value) : value) as T;
}

/** The draft with every text field cleaned (drafts stored before cleaning existed). */
export function cleanDraft(draft: DraftDoc): DraftDoc {
  return {
    ...draft,
    ...(draft.buyerEmail !== undefined ? { buyerEmail: cleanText(draft.buyerEmail) } : {}),
    songs: draft.songs.map(
      (song) =>
        Object.fromEntries(
          Object.entries(song).map(([field, value]) => [field, cleanValue(value)]),
        ) as typeof song,
    ),
  };
}
