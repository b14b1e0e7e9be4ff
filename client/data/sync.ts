import type { RefrainDb } from './db.ts';
import { drainOutbox, type DrainOutcome } from './outbox.ts';

export const OUTBOX_LOCK = 'refrain-outbox';
export const SYNC_TAG = 'refrain-outbox';

export type SyncStatus = {
  phase: 'idle' | 'syncing' | 'waiting';
  lastError?: string;
  online: boolean;
};

/**
 * The page's side of syncing: drains the outbox on load, when the network comes back, when the
 * tab becomes visible, on a timer while ops wait, and right after a change. One drainer at a time
 * across tabs and the service worker (Web Locks). After a failure it backs off with jitter. It
 * also asks the service worker for a Background Sync, which goes on after the tab is closed
 * where the browser has it; these triggers cover browsers without it. Ops the server limited
 * (429) wait on the device until the time it named; an op that keeps failing waits its own
 * backoff and is then set aside (see drainOutbox), while the others go on.
 */
export class SyncEngine {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private failures = 0;
  private listeners = new Set<(s: SyncStatus) => void>();
  status: SyncStatus = { phase: 'idle', online: navigator.onLine };
  readonly clientId = crypto.randomUUID();

  constructor(private readonly db: RefrainDb) {}

  start(): () => void {
    const kick = () => this.kick();
    const onVisible = () => document.visibilityState === 'visible' && this.kick();
    const onOnline = () => {
      this.failures = 0;
      this.set({ online: true });
      this.kick();
    };
    const onOffline = () => this.set({ online: false });
    window.addEventListener('online', onOnline);
    window.addEventListener('offline', onOffline);
    document.addEventListener('visibilitychange', onVisible);
    const interval = setInterval(kick, 15_000);
    this.kick();
    return () => {
      window.removeEventListener('online', onOnline);
      window.removeEventListener('offline', onOffline);
      document.removeEventListener('visibilitychange', onVisible);
      clearInterval(interval);
      clearTimeout(this.timer);
    };
  }

  subscribe(listener: (s: SyncStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private set(patch: Partial<SyncStatus>) {
    this.status = { ...this.status, ...patch };
    for (const l of this.listeners) l(this.status);
  }

  /** Drains soon; several calls in a row make one drain. */
  kick(delayMs = 0): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.drain(), delayMs);
  }

  private async drain(): Promise<void> {
    if ((await this.db.outbox.count()) === 0) return;
    this.set({ phase: 'syncing' });
    const outcome = await withLock(() => drainOutbox(this.db, { clientId: this.clientId }));
    if (!outcome) {
      // Another tab or the service worker holds the lock: look again shortly.
      this.set({ phase: 'waiting' });
      this.kick(2_000);
      return;
    }
    this.after(outcome);
  }

  private after(outcome: DrainOutcome) {
    if (outcome.kind === 'limited') {
      // Not a failure: the server said when. The held ops are not sent before then (drainOutbox
      // skips them), whatever kicks a drain earlier; this kick is the one that sends them.
      this.failures = 0;
      this.set({ phase: 'waiting', lastError: outcome.error, online: navigator.onLine });
      this.kick(outcome.retryAfterMs + 250 + Math.random() * 1_000);
      return;
    }
    if (outcome.kind === 'waiting') {
      // An op failed and waits for its next try (drainOutbox skips it until then); every other
      // op went, so this is no failure of the connection.
      this.failures = 0;
      this.set({ phase: 'waiting', lastError: undefined, online: navigator.onLine });
      this.kick(outcome.retryAfterMs + Math.random() * 250);
      return;
    }
    if (outcome.kind === 'retry') {
      this.failures++;
      const base = Math.min(60_000, 1_000 * 2 ** (this.failures - 1));
      this.set({
        phase: 'waiting',
        lastError: outcome.error,
        online: outcome.error !== 'offline' && navigator.onLine,
      });
      this.kick(base / 2 + Math.random() * (base / 2));
      void requestBackgroundSync();
      return;
    }
    this.failures = 0;
    this.set({
      phase: 'idle',
      lastError: outcome.kind === 'done' ? undefined : outcome.kind,
      online: navigator.onLine,
    });
  }
}

async function withLock<T>(fn: () => Promise<T>): Promise<T | undefined> {
  if (!('locks' in navigator)) return fn();
  return navigator.locks.request(OUTBOX_LOCK, { ifAvailable: true }, async (lock) =>
    lock ? fn() : undefined,
  );
}

/** Asks the service worker to drain when the network is back, even with no tab open. */
export async function requestBackgroundSync(): Promise<void> {
  try {
    const registration = await navigator.serviceWorker?.ready;
    const sync = (
      registration as ServiceWorkerRegistration & {
        sync?: { register(tag: string): Promise<void> };
      }
    )?.sync;
    await sync?.register(SYNC_TAG);
  } catch {
    // No Background Sync here (Safari, Firefox): the page-side triggers cover it.
  }
}
