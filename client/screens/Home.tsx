import { useQuery } from '@rocicorp/zero/react';
import { formatMoney } from '../../schema/currency.ts';
import { MAX_SONGS, recipientsOf } from '../../schema/draft-fields.ts';
import type { DraftDoc } from '../../schema/draft.ts';
import { queries } from '../../schema/queries.ts';
import type { FormStatus } from '../../schema/status.ts';
import { createDraft } from '../data/drafts.ts';
import type { LocalDraft } from '../data/db.ts';
import { useApp } from '../ui/context.ts';
import { useLive } from '../ui/live.ts';
import { linkProps, navigate } from '../ui/router.ts';
import { SampleSongs } from '../ui/SampleSongs.tsx';
import { packagePrice, useSite } from '../ui/site.ts';
import { credits, orderOutcome } from './orders.ts';

interface Row {
  formId: string;
  names: string;
  songCount: number;
  /** `local`: a draft the server has not seen yet. */
  status: FormStatus | 'local';
  updatedAt: number;
  progress?: string;
}

const STATUS_TEXT: Record<Row['status'], string> = {
  draft: 'Draft',
  submitted: 'Submitted',
  generating: 'Generating',
  ready: 'Ready to choose',
  failed: 'Needs attention',
  paid: 'Paid',
  local: 'Draft · on this device',
};

/** What songs cost, said before anything is asked: one song, and the most a form can hold. */
function PriceLine() {
  const site = useSite();
  const one = packagePrice(site, 1);
  const most = packagePrice(site, MAX_SONGS);
  if (!one || !most) return null;
  return (
    <p className="hint" data-testid="price-line">
      One song {one}, {MAX_SONGS} songs {most}. You hear three versions of each song first, and pay
      once, for the ones you choose.
    </p>
  );
}

/**
 * How it works, in three steps, with the promise that matters on a phone: shown until the person
 * has songs of their own (then the list is what they came for), and kept short enough that the
 * "New song" button stays in view on a 360 px screen.
 */
function HowItWorks() {
  return (
    <section className="how" aria-labelledby="how-title" data-testid="how-it-works">
      <h3 id="how-title">How it works</h3>
      <ol className="how__steps">
        <li>
          <strong>Tell us about them.</strong> Who it is for, the occasion, and the moments only you
          two know. A couple of minutes.
        </li>
        <li>
          <strong>Hear three versions.</strong> Each song comes in three styles, with its lyrics to
          read. Change a line or ask for another take before you choose.
        </li>
        <li>
          <strong>Pay once and give it.</strong> Download the song you chose, keep it, and send it
          to them.
        </li>
      </ol>
      <p className="how__promise">
        Everything you type is saved on this phone as you type, even offline, and nothing is made or
        charged twice.
      </p>
    </section>
  );
}

/** History: every form and draft of mine, newest first, with what I can do with each. */
export function Home() {
  const { db, hasZero, sync } = useApp();
  const drafts = useLive(() => db.drafts.orderBy('updatedAt').reverse().toArray(), [db], []);

  const startNew = async (from?: LocalDraft['draft']) => {
    const formId = await createDraft(db, from);
    sync.kick(300);
    navigate(`/compose/${formId}`);
  };

  return (
    <section aria-labelledby="history-title">
      <div className="row row--between">
        <h2 id="history-title">My songs</h2>
        <button
          type="button"
          className="button button--primary"
          onClick={() => void startNew()}
          data-testid="new-song"
        >
          New song
        </button>
      </div>
      <PriceLine />
      {drafts.length === 0 && (
        <>
          <HowItWorks />
          <SampleSongs />
        </>
      )}
      {hasZero ? (
        <ServerList drafts={drafts} onDuplicate={startNew} />
      ) : (
        <FormList rows={toRows(drafts, [])} onDuplicate={startNew} drafts={drafts} />
      )}
    </section>
  );
}

function toRows(
  drafts: LocalDraft[],
  server: readonly {
    id: string;
    status: FormStatus;
    songCount: number;
    updatedAt: number;
    draft: DraftDoc;
    progressReady: number;
    progressTotal: number;
  }[],
): Row[] {
  const rows = new Map<string, Row>();
  for (const f of server) {
    rows.set(f.id, {
      formId: f.id,
      names: recipientsOf(f.draft),
      songCount: f.songCount,
      status: f.status,
      updatedAt: f.updatedAt,
      progress: f.progressTotal ? `${f.progressReady}/${f.progressTotal} ready` : undefined,
    });
  }
  for (const d of drafts) {
    const known = rows.get(d.formId);
    if (known) known.names = recipientsOf(d.draft);
    else
      rows.set(d.formId, {
        formId: d.formId,
        names: recipientsOf(d.draft),
        songCount: d.draft.songCount,
        status: 'local',
        updatedAt: d.updatedAt,
      });
  }
  return [...rows.values()].sort((a, b) => b.updatedAt - a.updatedAt);
}

function ServerList({
  drafts,
  onDuplicate,
}: {
  drafts: LocalDraft[];
  onDuplicate: (d?: LocalDraft['draft']) => void;
}) {
  const [forms] = useQuery(queries.myForms());
  const [orders] = useQuery(queries.myOrders());
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
                  {new Date(o.createdAt).toLocaleDateString()}
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

function FormList({
  rows,
  drafts,
  serverDrafts = [],
  onDuplicate,
}: {
  rows: Row[];
  drafts: LocalDraft[];
  serverDrafts?: readonly { id: string; draft: DraftDoc }[];
  onDuplicate: (d?: LocalDraft['draft']) => void;
}) {
  if (rows.length === 0) {
    return (
      <p className="empty" data-testid="empty-state">
        Nothing here yet. Start with “New song”: tell us who it is for and what happened.
      </p>
    );
  }
  const draftOf = (id: string) =>
    drafts.find((d) => d.formId === id)?.draft ?? serverDrafts.find((f) => f.id === id)?.draft;
  return (
    <ul className="cards" data-testid="form-list">
      {rows.map((row) => {
        const editable = row.status === 'draft' || row.status === 'local';
        return (
          <li key={row.formId} className="card" data-testid="form-row" data-form-id={row.formId}>
            <a
              className="card__title"
              {...linkProps(editable ? `/compose/${row.formId}` : `/forms/${row.formId}`)}
            >
              For {row.names}
            </a>
            <p className="card__meta">
              {row.songCount} song{row.songCount === 1 ? '' : 's'} ·{' '}
              <span data-testid="form-status">{STATUS_TEXT[row.status] ?? row.status}</span>
              {row.progress ? ` · ${row.progress}` : ''}
            </p>
            <div className="row">
              <a
                className="button"
                {...linkProps(editable ? `/compose/${row.formId}` : `/forms/${row.formId}`)}
              >
                Open
              </a>
              <button
                type="button"
                className="button"
                onClick={() => onDuplicate(draftOf(row.formId))}
              >
                Duplicate
              </button>
            </div>
          </li>
        );
      })}
    </ul>
  );
}
