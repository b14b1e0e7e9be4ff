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
import { EmptyState, HomeView, PriceText } from './HomeView.tsx';
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

/** The price line, once the installation's prices are known. */
function PriceLine() {
  const site = useSite();
  const one = packagePrice(site, 1);
  const most = packagePrice(site, MAX_SONGS);
  return one && most ? <PriceText one={one} most={most} /> : null;
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

  const list = hasZero ? (
    <ServerList drafts={drafts} onDuplicate={startNew} />
  ) : (
    <FormList rows={toRows(drafts, [])} onDuplicate={startNew} drafts={drafts} />
  );
  return (
    <HomeView
      onNew={() => void startNew()}
      price={<PriceLine />}
      firstVisit={drafts.length === 0}
      list={list}
      samples={drafts.length === 0 && <SampleSongs />}
    />
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
  if (rows.length === 0) return <EmptyState />;
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
