import { useQuery } from '@rocicorp/zero/react';
import { useState, type FormEvent } from 'react';
import { giftPath, makeGiftCode, MAX_GIFT_MESSAGE, MAX_GIFT_NAME } from '../../schema/gifts.ts';
import type { OpArgsOf } from '../../schema/ops.ts';
import { queries } from '../../schema/queries.ts';
import { enqueue } from '../data/outbox.ts';
import { useApp } from '../ui/context.ts';
import { useLive } from '../ui/live.ts';

interface GiftView {
  id: string;
  code: string;
  songIndex?: number | null | undefined;
  toName?: string | null | undefined;
  fromName?: string | null | undefined;
  message?: string | null | undefined;
  revealAt?: number | null | undefined;
  revokedAt?: number | null | undefined;
}

/**
 * "Send it as a gift": a link for the person the song is for, made on this device (the code is
 * random here, so the link can be copied at once, even offline) and sent to the server as an op.
 * The server refuses songs nobody paid for; this is only shown once they are paid.
 */
export function Gifts({
  formId,
  songs,
}: {
  formId: string;
  songs: readonly { songIndex: number; title: string; recipient: string }[];
}) {
  const { db, sync } = useApp();
  const [gifts] = useQuery(queries.formGifts({ formId }));
  const pending = useLive(
    () =>
      db.outbox
        .where('formId')
        .equals(formId)
        .filter((op) => op.type === 'gift.create')
        .toArray(),
    [db, formId],
    [],
  );
  const [open, setOpen] = useState(false);
  const onServer = new Set(gifts.map((g) => g.id));
  const waiting: GiftView[] = pending
    .map((op) => op.args as OpArgsOf<'gift.create'>)
    .filter((a) => !onServer.has(a.giftId))
    .map((a) => ({
      id: a.giftId,
      code: a.code,
      songIndex: a.songIndex,
      toName: a.toName,
      fromName: a.fromName,
      message: a.message,
      revealAt: a.revealAt ? Date.parse(a.revealAt) : undefined,
    }));
  const all: (GiftView & { sent: boolean })[] = [
    ...waiting.map((g) => ({ ...g, sent: false })),
    ...gifts.map((g) => ({ ...g, sent: true })),
  ];

  const revoke = (giftId: string) =>
    void enqueue(db, 'gift.revoke', { giftId }, formId).then(() => sync.kick());

  return (
    <section className="card gifts" aria-labelledby="gifts-title" data-testid="gifts" id="gift">
      <h3 id="gifts-title">Send it as a gift</h3>
      <p>
        Make a link for the person the song is for. They open it on any phone, with no app and no
        account: the cover, your message, the song and its lyrics.
      </p>
      {open ? (
        <GiftMaker
          formId={formId}
          songs={songs}
          onMade={() => {
            setOpen(false);
            sync.kick();
          }}
          onCancel={() => setOpen(false)}
        />
      ) : (
        <button
          type="button"
          className="button button--primary"
          onClick={() => setOpen(true)}
          data-testid="gift-new"
        >
          Make a gift link
        </button>
      )}
      {all.length > 0 && (
        <ul className="gift-links" aria-label="Your gift links">
          {all.map((g) => (
            <GiftLink key={g.id} gift={g} sent={g.sent} songs={songs} onRevoke={revoke} />
          ))}
        </ul>
      )}
    </section>
  );
}

function GiftMaker({
  formId,
  songs,
  onMade,
  onCancel,
}: {
  formId: string;
  songs: readonly { songIndex: number; title: string; recipient: string }[];
  onMade: () => void;
  onCancel: () => void;
}) {
  const { db } = useApp();
  const [which, setWhich] = useState(songs.length === 1 ? String(songs[0]!.songIndex) : 'all');
  const chosen = songs.find((s) => String(s.songIndex) === which);
  const [fromName, setFromName] = useState('');
  const [toName, setToName] = useState('');
  const [message, setMessage] = useState('');
  const [reveal, setReveal] = useState('');
  const [allowDownload, setAllowDownload] = useState(false);

  const make = async (e: FormEvent) => {
    e.preventDefault();
    // datetime-local is the person's own wall clock; Date reads it in their time zone.
    const revealAt = reveal ? new Date(reveal).toISOString() : undefined;
    await enqueue(
      db,
      'gift.create',
      {
        giftId: crypto.randomUUID(),
        formId,
        ...(which === 'all' ? {} : { songIndex: Number(which) }),
        code: makeGiftCode(),
        ...(fromName.trim() ? { fromName: fromName.trim() } : {}),
        ...(toName.trim() ? { toName: toName.trim() } : {}),
        ...(message.trim() ? { message: message.trim() } : {}),
        ...(revealAt ? { revealAt } : {}),
        allowDownload,
      },
      formId,
    );
    onMade();
  };

  return (
    <form onSubmit={(e) => void make(e)} data-testid="gift-maker">
      {songs.length > 1 && (
        <div className="field">
          <label htmlFor="gift-song">Which song</label>
          <select id="gift-song" value={which} onChange={(e) => setWhich(e.target.value)}>
            <option value="all">All {songs.length} songs</option>
            {songs.map((s) => (
              <option key={s.songIndex} value={s.songIndex}>
                Song {s.songIndex + 1}: {s.title}
              </option>
            ))}
          </select>
        </div>
      )}
      <div className="field">
        <label htmlFor="gift-to">For</label>
        <input
          id="gift-to"
          value={toName}
          maxLength={MAX_GIFT_NAME}
          placeholder={chosen?.recipient || songs.map((s) => s.recipient).join(' & ')}
          onChange={(e) => setToName(e.target.value)}
          autoComplete="off"
        />
      </div>
      <div className="field">
        <label htmlFor="gift-from">From (your name, optional)</label>
        <input
          id="gift-from"
          value={fromName}
          maxLength={MAX_GIFT_NAME}
          onChange={(e) => setFromName(e.target.value)}
          autoComplete="given-name"
        />
      </div>
      <div className="field">
        <label htmlFor="gift-message">A message (optional)</label>
        <textarea
          id="gift-message"
          value={message}
          maxLength={MAX_GIFT_MESSAGE}
          rows={3}
          onChange={(e) => setMessage(e.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor="gift-reveal">Opens on (optional)</label>
        <input
          id="gift-reveal"
          type="datetime-local"
          value={reveal}
          onChange={(e) => setReveal(e.target.value)}
          aria-describedby="gift-reveal-hint"
        />
        <p className="hint" id="gift-reveal-hint">
          Until then the link shows a countdown, and the song cannot be heard.
        </p>
      </div>
      <label className="gift-check">
        <input
          type="checkbox"
          checked={allowDownload}
          onChange={(e) => setAllowDownload(e.target.checked)}
        />{' '}
        Let them download the song
      </label>
      <div className="row">
        <button type="submit" className="button button--primary" data-testid="gift-make">
          Make the link
        </button>
        <button type="button" className="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function GiftLink({
  gift,
  sent,
  songs,
  onRevoke,
}: {
  gift: GiftView;
  sent: boolean;
  songs: readonly { songIndex: number; title: string; recipient: string }[];
  onRevoke: (giftId: string) => void;
}) {
  const url = `${location.origin}${giftPath(gift.code)}`;
  const [copied, setCopied] = useState<'copied' | 'failed'>();
  const [qr, setQr] = useState<string | null>(null);
  const song = songs.find((s) => s.songIndex === gift.songIndex);
  const what = song ? song.title : 'All songs';
  const revoked = !!gift.revokedAt;
  const canShare = typeof navigator.share === 'function';

  const showQr = async () => {
    // The QR encoder is fetched only when asked for: most gifts travel by message, not by screen.
    const { renderSVG } = await import('uqr');
    setQr(renderSVG(url));
  };

  return (
    <li
      className="gift-link"
      data-testid="gift-link"
      data-state={revoked ? 'revoked' : sent ? 'sent' : 'waiting'}
    >
      <strong>{what}</strong>
      <p className="hint">
        {[
          `for ${gift.toName || song?.recipient || songs.map((s) => s.recipient).join(' & ')}`,
          gift.fromName && `from ${gift.fromName}`,
          gift.revealAt && `opens ${new Date(gift.revealAt).toLocaleString()}`,
        ]
          .filter(Boolean)
          .join(' · ')}
      </p>
      {gift.message && <p className="gift-message">“{gift.message}”</p>}
      {revoked ? (
        <p className="hint">Taken back: the link no longer opens.</p>
      ) : (
        <>
          <p className="gift-url">
            <a href={url} target="_blank" rel="noopener" data-testid="gift-url">
              {url}
            </a>
          </p>
          {!sent && (
            <p className="hint" role="status">
              Saved on this device; the link opens once it reaches the server.
            </p>
          )}
          <div className="row">
            {canShare && (
              <button
                type="button"
                className="button button--primary"
                onClick={() => void navigator.share({ title: what, url }).catch(() => {})}
              >
                Share
              </button>
            )}
            <button
              type="button"
              className="button"
              data-testid="gift-copy"
              onClick={() =>
                navigator.clipboard.writeText(url).then(
                  () => setCopied('copied'),
                  () => setCopied('failed'),
                )
              }
            >
              {copied === 'copied' ? 'Copied' : 'Copy link'}
            </button>
            <button
              type="button"
              className="button"
              onClick={() => void showQr()}
              data-testid="gift-qr-show"
            >
              QR code
            </button>
            <button
              type="button"
              className="button"
              onClick={() => onRevoke(gift.id)}
              data-testid="gift-revoke"
            >
              Take back
            </button>
          </div>
          {copied === 'failed' && (
            <p className="hint" role="status">
              This browser did not let the page copy; press and hold the link to copy it.
            </p>
          )}
          {qr && (
            <div
              className="qr"
              role="img"
              aria-label="QR code of the gift link"
              data-testid="gift-qr"
              dangerouslySetInnerHTML={{ __html: qr }}
            />
          )}
        </>
      )}
    </li>
  );
}
