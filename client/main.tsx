import { startTransition, StrictMode, useEffect, useMemo, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { Workbox } from 'workbox-window';
import { App } from './App.tsx';
import { db } from './data/db.ts';
import { replayJournal } from './data/journal.ts';
import { ensureSession, storedSession, type Session } from './data/session.ts';
import { loadSite, refreshSite } from './data/site.ts';
import { SyncEngine } from './data/sync.ts';
import { App as AppCtx } from './ui/context.ts';
import './styles.css';
import type { LiveSync } from './ui/live-sync.ts';

const database = db();
const sync = new SyncEngine(database);

// The service worker registers after load and never takes over on its own (see UpdatePrompt).
const wb = 'serviceWorker' in navigator ? new Workbox('/sw.js') : undefined;
if (wb) window.addEventListener('load', () => void wb.register());

// 'syncUrl' held zero-cache's own port, which is no longer reachable from outside the server;
// a new key means that stale value is never used again, not even offline.
const SYNC_URL_KEY = 'zeroUrl';
const STALE_SYNC_URL_KEY = 'syncUrl';

async function syncUrl(): Promise<string> {
  const cached = (await database.kv.get(SYNC_URL_KEY))?.value as string | undefined;
  try {
    const site = await refreshSite(database);
    const url = site.syncUrl ?? `${location.origin}/zero`;
    await database.kv.put({ key: SYNC_URL_KEY, value: url });
    return url;
  } catch (err) {
    if (cached) return cached;
    throw err;
  }
}

const loadLiveSync = () => import('./ui/live-sync.ts');

/** Runs `load` while `needed`, and again whenever the network comes back, keeping what it gives. */
function useUntilLoaded<T>(
  needed: boolean,
  load: () => Promise<T>,
  keep: (value: T) => void,
  deps: unknown[],
) {
  useEffect(() => {
    if (!needed) return;
    let stop = false;
    const attempt = () =>
      void load().then(
        (value) => !stop && keep(value),
        () => undefined,
      );
    attempt();
    window.addEventListener('online', attempt);
    return () => {
      stop = true;
      window.removeEventListener('online', attempt);
    };
    // `needed` is computed from `deps`; re-running on them (not on the closures) is intended.
  }, deps);
}

function Root(props: { session?: Session; cacheURL?: string; live?: LiveSync }) {
  // Starting from what this device already knows means Zero exists from the first render of any
  // screen but Home (see boot), so those are not mounted twice (once without it, once with it).
  const [session, setSession] = useState<Session | undefined>(props.session);
  const [cacheURL, setCacheURL] = useState<string | undefined>(props.cacheURL);
  const [live, setLive] = useState<LiveSync | undefined>(props.live);
  useEffect(() => {
    let stop = false;
    // Offline on a first visit there is no session yet: the app works locally and connects later.
    const connect = async () => {
      // A device opening a resume link becomes that owner: it must not mint a guest of its own.
      const mayCreate = navigator.onLine && location.pathname !== '/resume';
      const created =
        (await storedSession(database)) ??
        (mayCreate ? await ensureSession(database).catch(() => undefined) : undefined);
      // IndexedDB is the source of truth: a resume may have replaced the session meanwhile.
      const s = created && (await storedSession(database));
      if (stop) return;
      if (s) setSession((old) => (old?.token === s.token ? old : s));
      if (s) sync.kick();
    };
    void connect();
    window.addEventListener('online', connect);
    return () => {
      stop = true;
      window.removeEventListener('online', connect);
    };
  }, []);

  // Where zero-cache is: asked once a session exists (from start-up or from a resume link).
  useUntilLoaded(!!session && !cacheURL, syncUrl, setCacheURL, [session, cacheURL]);
  // Live sync arrives after the first paint, once there is someone to sync for. A chunk that could
  // not be fetched (offline before the service worker cached it) is tried again once back online.
  useUntilLoaded(!!session && !!cacheURL && !live, loadLiveSync, setLive, [
    live,
    session,
    cacheURL,
  ]);

  const zero = live && session && cacheURL ? live.zeroFor(session, cacheURL) : undefined;

  const ctx = useMemo(
    () => ({
      db: database,
      sync,
      session,
      hasZero: !!zero,
      live: zero ? live : undefined,
      setSession,
    }),
    [session, zero, live],
  );
  const app = (
    <AppCtx.Provider value={ctx}>
      <App wb={wb} />
    </AppCtx.Provider>
  );
  return zero && live ? <live.ZeroProvider zero={zero}>{app}</live.ZeroProvider> : app;
}

async function boot() {
  sync.start();
  // Edits whose IndexedDB write the last close cut short are applied before anything reads drafts.
  await replayJournal(database).catch((err) => console.error('journal replay failed', err));
  void database.kv.delete(STALE_SYNC_URL_KEY).catch(() => undefined);
  // What the form offers (a choice of voice or not) and what songs cost are known before any
  // session exists; a first visit has them in the page itself.
  const [session, url] = await Promise.all([
    storedSession(database).catch(() => undefined),
    database.kv.get(SYNC_URL_KEY).then(
      (row) => row?.value as string | undefined,
      () => undefined,
    ),
    loadSite(database),
  ]);
  // Home is painted already (index.html) and shows this device's own list at once, so live sync
  // can follow it; any other screen waits for it rather than mounting twice.
  const live =
    session && url && location.pathname !== '/'
      ? await loadLiveSync().catch(() => undefined)
      : undefined;
  const root = createRoot(document.getElementById('root')!);
  // The shell already shows this screen (index.html), so the first render is no emergency: as a
  // transition React renders it in slices of a few milliseconds, and a phone's main thread stays
  // free for the person's first tap instead of being held for the whole tree at once.
  startTransition(() =>
    root.render(
      <StrictMode>
        <Root session={session} cacheURL={url} live={live} />
      </StrictMode>,
    ),
  );
}

// Evaluating the app's modules is one long task of its own; starting in the next one lets the
// phone answer a tap (or paint) in between. The painted page stands meanwhile.
setTimeout(() => void boot(), 0);
