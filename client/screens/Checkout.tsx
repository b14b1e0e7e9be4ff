import type { DraftDoc } from '../../schema/draft.ts';

/** Where paying and downloading will live; for now it says what is still to choose. */
export function Checkout({ form }: { form: { id: string; songCount: number; status: string; selections: readonly { songIndex: number }[]; draft: unknown } }) {
  const missing = form.songCount - form.selections.length;
  void (form.draft as DraftDoc);
  return (
    <section className="checkout" aria-label="Checkout" data-testid="checkout">
      {missing > 0 ? (
        <p>Choose one variation for {missing === form.songCount ? 'each song' : `${missing} more song${missing === 1 ? '' : 's'}`} to continue.</p>
      ) : (
        <p>Every song has its variation.</p>
      )}
    </section>
  );
}
