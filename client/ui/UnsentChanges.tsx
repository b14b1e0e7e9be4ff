import type { ReactNode } from 'react';
import type { OpType } from '../../schema/ops.ts';
import type { LocalDraft, OutboxOp, RejectedOp } from '../data/db.ts';
import { recipientsOf } from '../../schema/draft-fields.ts';
import { discardOp, dismissRejected, retryOp } from '../data/outbox.ts';
import { isSetAside } from '../data/outbox-plan.ts';
import { useApp } from './context.ts';
import { useLive } from './live.ts';

const WHAT: Record<OpType, string> = {
  'draft.put': 'your changes to the draft',
  'draft.restore': 'putting back an earlier value in the draft',
  'form.submit': 'sending the song request',
  'generation.request': 'asking for another version of a song',
  'slot.retry': 'trying a song again',
  'variation.revise': 'making a version again with your changes',
  'selection.set': 'your choice of take',
  'gift.create': 'making a gift link',
  'gift.revoke': 'taking a gift link back',
};

const isDraftEdit = (op: OutboxOp) => op.type === 'draft.put' || op.type === 'draft.restore';

/**
 * Changes that need the person, each with what it was and why: ones set aside after failing
 * (Try again / Discard) and ones the server refused (with the server's reason). Shown under the
 * sync badge on every screen, so a change never fails out of sight.
 */
export function UnsentChanges() {
  const { db, sync } = useApp();
  const { setAside, refused, drafts } = useLive(
    async () => {
      const setAside = await db.outbox.filter(isSetAside).sortBy('createdAt');
      const open = await db.rejected.filter((r) => r.dismissedAt === undefined).toArray();
      const forms = new Set([...setAside, ...open].map((op) => op.formId).filter(Boolean));
      const drafts = await db.drafts.bulkGet([...forms] as string[]);
      return { setAside, refused: latestOfEach(open), drafts };
    },
    [db],
    { setAside: [], refused: [], drafts: [] } as {
      setAside: OutboxOp[];
      refused: Refusal[];
      drafts: (LocalDraft | undefined)[];
    },
  );
  if (setAside.length === 0 && refused.length === 0) return null;

  const describe = (op: OutboxOp) => {
    const draft = drafts.find((d) => d?.formId === op.formId)?.draft;
    return `${WHAT[op.type]} for ${recipientsOf(draft)}`;
  };
  const kept = 'What you typed stays on this phone';

  return (
    <section className="unsent" aria-label="Changes that need you" data-testid="unsent">
      {setAside.map((op) => (
        <Notice
          key={op.id}
          state="set-aside"
          opId={op.id}
          what={`Not sent: ${describe(op)}.`}
          why={op.lastError ?? 'It could not be sent.'}
          hint={
            <>
              Tried {op.attempts} time{op.attempts === 1 ? '' : 's'}.
              {isDraftEdit(op) && ` ${kept} either way.`}
            </>
          }
        >
          <button
            type="button"
            className="button button--small"
            data-testid="unsent-retry"
            onClick={() => void retryOp(db, op.id).then(() => sync.kick())}
          >
            Try again
          </button>
          <button
            type="button"
            className="button button--small"
            data-testid="unsent-discard"
            onClick={() => void discardOp(db, op.id)}
          >
            Discard
          </button>
        </Notice>
      ))}
      {refused.map(({ latest: op, ids }) => (
        <Notice
          key={op.id}
          state="rejected"
          opId={op.id}
          what={`Not saved: ${describe(op)}.`}
          why={op.error}
          hint={isDraftEdit(op) ? `${kept}.` : undefined}
        >
          <button
            type="button"
            className="button button--small"
            data-testid="unsent-dismiss"
            onClick={() => void Promise.all(ids.map((id) => dismissRejected(db, id)))}
          >
            OK
          </button>
        </Notice>
      ))}
    </section>
  );
}

/** One change that needs the person: what it was, why it stopped, and what they can do. */
function Notice(props: {
  state: 'set-aside' | 'rejected';
  opId: string;
  what: string;
  why: string;
  hint?: ReactNode;
  children: ReactNode;
}) {
  return (
    <div
      className="notice notice--alert unsent__item"
      role="alert"
      data-testid="unsent-change"
      data-state={props.state}
      data-op-id={props.opId}
    >
      <p className="unsent__what">
        <strong>{props.what}</strong>
      </p>
      <p className="unsent__why" data-testid="unsent-reason">
        {props.why}
      </p>
      {props.hint !== undefined && <p className="hint">{props.hint}</p>}
      <div className="row">{props.children}</div>
    </div>
  );
}

interface Refusal {
  latest: RejectedOp;
  /** Every open refusal like it (same form, kind and reason): one notice, closed together. */
  ids: string[];
}

/** Open refusals as notices, newest first; repeats of one refusal make one notice. */
function latestOfEach(refused: RejectedOp[]): Refusal[] {
  const groups = new Map<string, Refusal>();
  for (const r of [...refused].sort((a, b) => b.rejectedAt - a.rejectedAt)) {
    const key = `${r.formId}|${r.type}|${r.error}`;
    const group = groups.get(key);
    if (group) group.ids.push(r.id);
    else groups.set(key, { latest: r, ids: [r.id] });
  }
  return [...groups.values()].slice(0, 5);
}
