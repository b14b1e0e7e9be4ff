import { recipientsOf } from '../../schema/draft-fields.ts';
import type { DraftDoc } from '../../schema/draft.ts';
import type { FormStatus } from '../../schema/status.ts';
import type { LocalDraft } from '../data/db.ts';
import { linkProps } from '../ui/router.ts';
import { EmptyState } from './HomeView.tsx';

// Home's list of forms and drafts, from this device alone or joined with the server's copy
// (HomeServerList.tsx, which comes with live sync after the first paint).

export interface Row {
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

/** One row per form: the server's status and progress, this device's drafts and names. */
export function toRows(
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

export function FormList({
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
