import { startTransition, StrictMode, useEffect, useMemo, useState } from 'react';
import { createRoot, hydrateRoot } from 'react-dom/client';
import type { Workbox } from 'workbox-window';
import { App } from './App.tsx';
import { db } from './data/db.ts';
import { replayJournal } from './data/journal.ts';
import { ensureSession, storedSession, type Session } from './data/session.ts';
import { loadSite, refreshSite } from './data/site.ts';
import { SyncEngine } from './data/sync.ts';
import { App as AppCtx } from './ui/context.ts';
import type { LiveSync } from './ui/live-sync.ts';

const database = db();
const sync = new SyncEngine(database);

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

function Root(props: { session?: Session; cacheURL?: string; live?: LiveSync; wb?: Workbox }) {
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
      zero,
      live: zero ? live : undefined,
      setSession,
    }),
    [session, zero, live],
  );
  // Live sync's views bring their own Zero provider (live-sync.ts, LiveScope): wrapping the whole
  // app when it arrives would make every element again, losing focus and stopping a sample.
  return (
    <AppCtx.Provider value={ctx}>
      <App wb={props.wb} />
    </AppCtx.Provider>
  );
}

/** Starts the app (client/start.ts decides when); on a painted Home it adopts the page as it is. */
export async function boot(wb: Workbox | undefined, painted: boolean) {
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
  // Home is painted already and shows this device's own list at once, so live sync can follow
  // it; any other screen waits for it rather than mounting twice.
  const live =
    session && url && location.pathname !== '/'
      ? await loadLiveSync().catch(() => undefined)
      : undefined;
  const container = document.getElementById('root')!;
  const app = (
    <StrictMode>
      <Root session={session} cacheURL={url} live={live} wb={wb} />
    </StrictMode>
  );
  if (painted) {
    // The painted page is Home's first pass exactly (ShellView, HomeView): React adopts its
    // elements instead of replacing them, in slices of a few milliseconds, so nothing is styled or
    // laid out again, and a link focused or a sample started meanwhile stays as it is. Were the
    // two ever to differ, React renders afresh and says so here.
    hydrateRoot(container, app, {
      onRecoverableError: (err) => console.error('the painted page differed from the app:', err),
    });
    return;
  }
  // Anything else (another screen, or the service worker's copy of the shell) is rendered as a
  // transition, in slices, so a phone's main thread stays free for the person's first tap.
  const root = createRoot(container);
  startTransition(() => root.render(app));
}
