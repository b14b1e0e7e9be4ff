import { useQuery } from '@rocicorp/zero/react';
import { formatMoney } from '../../schema/currency.ts';
import { queries } from '../../schema/queries.ts';
import type { LocalDraft } from '../data/db.ts';
import { linkProps } from '../ui/router.ts';
import { FormList, toRows } from './HomeList.tsx';
import { credits, orderOutcome } from './orders.ts';

// One formatter for every row and render: making one per date costs about a millisecond on a phone.
const dayFormat = new Intl.DateTimeFormat();

/** Home's list joined with the server's live copy of my forms, and my orders and receipts. */
export function ServerList({
  drafts,
  onDuplicate,
}: {
  drafts: LocalDraft[];
  onDuplicate: (d?: LocalDraft['draft']) => void;
}) {
  const [forms] = useQuery(queries.myForms());
  const [orders] = useQuery(queries.myOrders());
  const bought = new Set(
    orders.filter((o) => o.status === 'paid').flatMap((o) => o.items.map((i) => i.takeId)),
  ).size;
  return (
    <>
      <FormList
        rows={toRows(drafts, forms)}
        onDuplicate={onDuplicate}
        drafts={drafts}
        serverDrafts={forms}
      />
      {orders.length > 0 && (
        <section aria-labelledby="orders-title">
          <h2 id="orders-title">Orders and receipts</h2>
          {bought > 0 && (
            <p data-testid="library-link">
              Your {bought} bought song{bought === 1 ? ' is' : 's are'} in your{' '}
              <a {...linkProps('/library')}>library</a>, to play, download or keep on this device.
            </p>
          )}
          <ul className="cards" data-testid="orders">
            {orders.map((o) => (
              <li key={o.id} className="card" data-testid="order" data-status={o.status}>
                <a {...linkProps(`/forms/${o.formId}`)}>
                  {o.songCount} song{o.songCount === 1 ? '' : 's'}
                </a>
                <p>
                  <strong>{orderOutcome(o)}</strong>
                </p>
                <p className="card__meta">
                  {dayFormat.format(o.createdAt)}
                  {o.method === 'credits'
                    ? ` · ${credits(o.creditsSpent)}`
                    : ` · ${formatMoney(o.amountCents, o.currency)}`}
                  {o.receiptNumber ? ` · receipt ${o.receiptNumber}` : ''}
                </p>
              </li>
            ))}
          </ul>
        </section>
      )}
    </>
  );
}
