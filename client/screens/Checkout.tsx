import { useQuery } from '@rocicorp/zero/react';
import { useEffect, useState } from 'react';
import { formatMoney } from '../../schema/currency.ts';
import { queries } from '../../schema/queries.ts';
import type { FormStatus } from '../../schema/status.ts';
import { useApp } from '../ui/context.ts';
import { credits as creditCount, orderOutcome } from './orders.ts';
import { mintLinks, type SongLinks } from '../data/downloads.ts';
import { answerFailure, failureText } from '../data/failure.ts';

/**
 * Pay and download. The server prices the package and decides what is unlocked; this only asks.
 * Paying needs the network (it is a payment page), so offline the button says so instead.
 */
export function Checkout({
  form,
}: {
  form: {
    id: string;
    songCount: number;
    status: FormStatus;
    selections: readonly { songIndex: number }[];
  };
}) {
  const { session } = useApp();
  const [orders] = useQuery(queries.formOrders({ formId: form.id }));
  const [credits] = useQuery(queries.myCredits());
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const paid = form.status === 'paid' || orders.some((o) => o.status === 'paid');
  const missing = form.songCount - form.selections.length;

  const pay = async (method: 'card' | 'credits') => {
    setBusy(true);
    setError(null);
    try {
      const res = await fetch(`/api/forms/${form.id}/checkout`, {
        method: 'POST',
        headers: { authorization: `Bearer ${session!.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ method }),
      });
      const body = await res.json();
      if (!res.ok) throw new Error(body.error ?? answerFailure(res.status));
      location.assign(body.url);
    } catch (err) {
      setError(navigator.onLine ? failureText(err) : 'You are offline: paying needs a connection.');
      setBusy(false);
    }
  };

  return (
    <section className="checkout card" aria-labelledby="checkout-title" data-testid="checkout">
      <h3 id="checkout-title">{paid ? 'Your songs' : 'Checkout'}</h3>
      {/* Where checkout stands, said once each time it changes (the visible text has buttons). */}
      <p className="sr-only" role="status" data-testid="checkout-state">
        {paid
          ? 'Paid: your songs are ready to download.'
          : missing > 0
            ? `Choose a variation for ${missing} more song${missing === 1 ? '' : 's'} to check out.`
            : 'Every song has its variation: checkout is ready.'}
      </p>
      {paid ? (
        <Downloads formId={form.id} />
      ) : missing > 0 ? (
        <p>
          Choose one variation for{' '}
          {missing === form.songCount
            ? 'each song'
            : `${missing} more song${missing === 1 ? '' : 's'}`}{' '}
          to continue.
        </p>
      ) : (
        <>
          <p>Every song has its variation. Pay once to download the full songs and their lyrics.</p>
          <div className="row">
            <button
              type="button"
              className="button button--primary"
              disabled={busy || !session}
              onClick={() => void pay('card')}
              data-testid="pay"
            >
              {busy ? 'Opening checkout…' : 'Pay and download'}
            </button>
            {(credits?.credits ?? 0) >= form.songCount && (
              <button
                type="button"
                className="button"
                disabled={busy}
                onClick={() => void pay('credits')}
                data-testid="pay-credits"
              >
                Use {form.songCount} credit{form.songCount === 1 ? '' : 's'} ({credits!.credits}{' '}
                left)
              </button>
            )}
          </div>
        </>
      )}
      {error && <p role="alert">{error}</p>}
      {orders.length > 0 && (
        <details className="receipts">
          <summary>Orders and receipts</summary>
          <ul>
            {orders.map((o) => (
              <li key={o.id} data-testid="order" data-status={o.status}>
                {new Date(o.createdAt).toLocaleString()} ·{' '}
                {o.method === 'credits'
                  ? creditCount(o.creditsSpent)
                  : formatMoney(o.amountCents, o.currency)}
                {o.receiptNumber ? ` · receipt ${o.receiptNumber}` : ''}
                <br />
                <strong>{orderOutcome(o)}</strong>
              </li>
            ))}
          </ul>
        </details>
      )}
    </section>
  );
}

/** Fresh 15-minute links each time the screen opens; the files are only served after payment. */
function Downloads({ formId }: { formId: string }) {
  const { session } = useApp();
  const [songs, setSongs] = useState<SongLinks[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let stop = false;
    mintLinks(session!.token, formId)
      .then((links) => !stop && setSongs(links))
      .catch((err: unknown) => !stop && setError(failureText(err)));
    return () => {
      stop = true;
    };
  }, [formId, session]);
  if (error) return <p role="alert">Could not load your downloads: {error}</p>;
  if (!songs) return <p>Preparing your downloads…</p>;
  return (
    <ul className="downloads" data-testid="downloads" id="downloads">
      {songs.map((s) => (
        <li key={s.songIndex}>
          <strong>
            Song {s.songIndex + 1}: {s.title}
          </strong>
          <audio
            controls
            preload="none"
            src={s.mp3Url}
            aria-label={`Listen to ${s.title}`}
            data-testid="listen"
          />
          <div className="row">
            <a className="button" href={s.mp3Url} download data-testid="download-mp3">
              MP3
            </a>
            {s.wavUrl && (
              <a className="button" href={s.wavUrl} download>
                WAV
              </a>
            )}
            <a className="button" href={s.lyricsUrl} download>
              Lyrics
            </a>
          </div>
        </li>
      ))}
    </ul>
  );
}
