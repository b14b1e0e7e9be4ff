import { useEffect, useState } from 'react';
import { isSetAside } from '../data/outbox-plan.ts';
import { sessionRefusal } from '../data/session.ts';
import type { SyncStatus } from '../data/sync.ts';
import { useApp } from './context.ts';
import { useLive } from './live.ts';
import { StartingBadge } from './ShellView.tsx';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * Online / offline / N changes waiting: always visible, so a person knows their work is safe.
 * Changes set aside after failing are counted apart ("not sent"): they no longer wait, they need
 * the person (see UnsentChanges). When the server asked to wait (a limit), the sentence it sent
 * is shown under the badge.
 */
export function SyncBadge() {
  const { live, session } = useApp();
  // The first pass says what the painted page says (ShellView), so Home's markup is adopted as
  // it is; what this device knows follows at once.
  const [started, setStarted] = useState(false);
  useEffect(() => setStarted(true), []);
  if (!started) return <StartingBadge />;
  // With a session, live sync is on its way (it starts after the first paint): until it has
  // brought the server's copy, nothing is "all synced" yet.
  return live ? <live.SyncBadgeWithServer /> : <SyncBadgeView loading={!!session} />;
}

export function SyncBadgeView({ loading }: { loading: boolean }) {
  const { db, sync, session } = useApp();
  const [status, setStatus] = useState<SyncStatus>(sync.status);
  useEffect(() => sync.subscribe(setStatus), [sync]);
  const { waiting, setAside } = useLive(
    async () => {
      const setAside = await db.outbox.filter(isSetAside).count();
      return { waiting: (await db.outbox.count()) - setAside, setAside };
    },
    [db],
    { waiting: 0, setAside: 0 },
  );
  const held = useLive(
    async () => (await db.outbox.filter((op) => op.heldUntil !== undefined).first())?.lastError,
    [db],
    undefined,
  );
  const refused = useLive(async () => (await sessionRefusal(db))?.message, [db], undefined);
  const note = held ?? (session ? undefined : refused);
  const parts = [
    !status.online ? 'Offline' : waiting ? '' : 'Online',
    waiting ? `${plural(waiting, 'change')} waiting` : '',
    setAside ? `${waiting ? setAside : plural(setAside, 'change')} not sent` : '',
  ].filter(Boolean);
  const label =
    waiting || setAside
      ? parts.join(' · ')
      : !status.online
        ? 'Offline · everything saved on this device'
        : loading
          ? 'Online · loading your songs…'
          : 'Online · all synced';
  const tone = !status.online ? 'offline' : waiting || setAside || loading ? 'waiting' : 'ok';
  return (
    <>
      <p
        className={`sync-badge sync-badge--${tone}`}
        role="status"
        aria-live="polite"
        data-testid="sync-badge"
        data-waiting={waiting}
        data-set-aside={setAside}
        data-loading={loading || undefined}
      >
        {label}
      </p>
      {note && (
        <p role="status" aria-live="polite" data-testid="sync-limit">
          {note}
        </p>
      )}
    </>
  );
}
