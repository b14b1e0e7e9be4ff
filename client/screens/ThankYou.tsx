import { useQuery } from '@rocicorp/zero/react';
import { queries } from '../../schema/queries.ts';
import { linkProps } from '../ui/router.ts';
import { useSite } from '../ui/site.ts';
import { Gifts } from './Gifts.tsx';

/**
 * What a paid form opens with: thanks (right after paying: the checkout comes back with
 * `?paid=1`), what was bought, and what to do next — send it as a gift, listen, download.
 */
export function ThankYou({
  form,
}: {
  form: { id: string; songs: readonly { songIndex: number; brief: { recipient: string } }[] };
}) {
  const [orders] = useQuery(queries.formOrders({ formId: form.id }));
  const site = useSite();
  const paid = orders.find((o) => o.status === 'paid');
  if (!paid) return null;
  const justPaid = new URLSearchParams(location.search).has('paid');
  const recipientOf = (i: number) =>
    form.songs.find((s) => s.songIndex === i)?.brief.recipient ?? '';
  const songs = [...paid.items]
    .sort((a, b) => a.songIndex - b.songIndex)
    .map((item) => ({
      songIndex: item.songIndex,
      title: item.title?.trim() || `Song ${item.songIndex + 1}`,
      recipient: recipientOf(item.songIndex),
    }));
  const forWhom = [...new Set(songs.map((s) => s.recipient).filter(Boolean))].join(' & ');

  return (
    <>
      <section className="card thanks" aria-labelledby="thanks-title" data-testid="thank-you">
        <h3 id="thanks-title">
          {justPaid ? 'Thank you!' : 'Your songs are yours'}{' '}
          {forWhom && <span className="thanks__for">Made for {forWhom}</span>}
        </h3>
        <p>
          {justPaid ? 'Your payment went through' : 'Paid'}
          {paid.receiptNumber ? ` · receipt ${paid.receiptNumber}` : ''}. You bought:
        </p>
        <ul className="thanks__songs" data-testid="bought">
          {songs.map((s) => (
            <li key={s.songIndex}>
              <strong>{s.title}</strong>
              {s.recipient && <span className="hint"> · for {s.recipient}</span>}
            </li>
          ))}
        </ul>
        <ReceiptCopy emailed={site?.receiptEmails} address={paid.buyerEmail} />
        <p>What next? Send it to the person it is for, listen to the whole song, or keep it.</p>
        <p className="hint" data-testid="thanks-library">
          Your songs stay in your <a {...linkProps('/library')}>library</a> on every device you use,
          to play or download any time.
        </p>
        <div className="thanks__next">
          <a className="button button--primary" href="#gift">
            Send it as a gift
          </a>
          <a className="button" href="#downloads">
            Listen
          </a>
          <a className="button" href="#downloads">
            Download
          </a>
        </div>
      </section>
      <Gifts formId={form.id} songs={songs} />
    </>
  );
}

/** Where the receipt is kept: by email when this installation sends one and an address was given. */
function ReceiptCopy({ emailed, address }: { emailed?: boolean; address?: string | null }) {
  // An app that has not heard whether receipts are emailed says nothing about it.
  if (emailed === undefined) return null;
  return (
    <p className="hint" data-testid="receipt-copy">
      {emailed && address
        ? `A copy of this receipt is emailed to ${address}.`
        : emailed
          ? 'No email address was given, so this receipt is kept here in the app only.'
          : 'This receipt is kept here in the app.'}
    </p>
  );
}
