import { useEffect, useState } from 'react';
import type { SyncStatus } from '../data/sync.ts';
import { useApp } from './context.ts';
import { useLive } from './live.ts';

/** Online / offline / N changes waiting: always visible, so a person knows their work is safe. */
export function SyncBadge() {
  const { db, sync } = useApp();
  const [status, setStatus] = useState<SyncStatus>(sync.status);
  useEffect(() => sync.subscribe(setStatus), [sync]);
  const waiting = useLive(() => db.outbox.count(), [db], 0);
  const label = !status.online
    ? waiting
      ? `Offline · ${waiting} change${waiting === 1 ? '' : 's'} waiting`
      : 'Offline · everything saved on this device'
    : waiting
      ? `${waiting} change${waiting === 1 ? '' : 's'} waiting`
      : 'Online · all synced';
  return (
    <p
      className={`sync-badge sync-badge--${!status.online ? 'offline' : waiting ? 'waiting' : 'ok'}`}
      role="status"
      aria-live="polite"
      data-testid="sync-badge"
      data-waiting={waiting}
    >
      {label}
    </p>
  );
}
