import { useEffect, useState } from 'react';
import { sessionRefusal } from '../data/session.ts';
import type { SyncStatus } from '../data/sync.ts';
import { useApp } from './context.ts';
import { useLive } from './live.ts';

/**
 * Online / offline / N changes waiting: always visible, so a person knows their work is safe.
 * When the server asked to wait (a limit), the sentence it sent is shown under the badge.
 */
export function SyncBadge() {
  const { db, sync, session } = useApp();
  const [status, setStatus] = useState<SyncStatus>(sync.status);
  useEffect(() => sync.subscribe(setStatus), [sync]);
  const waiting = useLive(() => db.outbox.count(), [db], 0);
  const held = useLive(
    async () => (await db.outbox.filter((op) => op.heldUntil !== undefined).first())?.lastError,
    [db],
    undefined,
  );
  const refused = useLive(async () => (await sessionRefusal(db))?.message, [db], undefined);
  const note = held ?? (session ? undefined : refused);
  const label = !status.online
    ? waiting
      ? `Offline · ${waiting} change${waiting === 1 ? '' : 's'} waiting`
      : 'Offline · everything saved on this device'
    : waiting
      ? `${waiting} change${waiting === 1 ? '' : 's'} waiting`
      : 'Online · all synced';
  return (
    <>
      <p
        className={`sync-badge sync-badge--${!status.online ? 'offline' : waiting ? 'waiting' : 'ok'}`}
        role="status"
        aria-live="polite"
        data-testid="sync-badge"
        data-waiting={waiting}
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
