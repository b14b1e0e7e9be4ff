import { DraftDoc, withoutUnsavableText } from '../../schema/draft.ts';

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

const BuyerEmail = DraftDoc.shape.buyerEmail;

/** Whether an email as typed so far is one the server takes (empty, or a whole address). */
export const isSendableEmail = (email: string | undefined): boolean =>
  BuyerEmail.safeParse(email).success;
