import { Zero } from '@rocicorp/zero';
import { ZeroProvider } from '@rocicorp/zero/react';
import { startTransition, StrictMode, useEffect, useMemo, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { Workbox } from 'workbox-window';
import type { AuthContext } from '../schema/queries.ts';
import { schema } from '../schema/zero.ts';
import { App } from './App.tsx';
import { db } from './data/db.ts';
import { replayJournal } from './data/journal.ts';
import { ensureSession, storedSession, type Session } from './data/session.ts';
import { loadSite, refreshSite } from './data/site.ts';
import { SyncEngine } from './data/sync.ts';
import { App as AppCtx } from './ui/context.ts';
import './styles.css';
import { keepConnected } from './data/zero-connection.ts';

const database = db();
const sync = new SyncEngine(database);
sync.start();

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

// One Zero per (identity, server), replaced only when either changes. Kept outside React so
// StrictMode's rehearsal unmount cannot close the connection the app is about to use.
let current: { key: string; zero: Zero; release: () => void } | undefined;
function zeroFor(session: Session, cacheURL: string): Zero {
  const key = `${session.token}|${cacheURL}`;
  if (current?.key === key) return current.zero;
  current?.release();
  void current?.zero.close();
  const context = { ownerId: session.ownerId } as AuthContext;
  const zero = new Zero({
    cacheURL,
    schema,
    userID: session.ownerId,
    auth: session.token,
    context,
  });
  current = { key, zero, release: keepConnected(zero.connection) };
  return current.zero;
}

function Root(props: { session?: Session; cacheURL?: string }) {
  // Starting from what this device already knows means Zero exists from the first render, so the
  // screens are not mounted twice (once without it, once with it).
  const [session, setSession] = useState<Session | undefined>(props.session);
  const [cacheURL, setCacheURL] = useState<string | undefined>(props.cacheURL);
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
  useEffect(() => {
    if (!session || cacheURL) return;
    let stop = false;
    const load = () =>
      void syncUrl().then(
        (url) => !stop && setCacheURL(url),
        () => undefined,
      );
    load();
    window.addEventListener('online', load);
    return () => {
      stop = true;
      window.removeEventListener('online', load);
    };
  }, [session, cacheURL]);

  const zero = session && cacheURL ? zeroFor(session, cacheURL) : undefined;

  const ctx = useMemo(
    () => ({ db: database, sync, session, hasZero: !!zero, setSession }),
    [session, zero],
  );
  const app = (
    <AppCtx.Provider value={ctx}>
      <App wb={wb} />
    </AppCtx.Provider>
  );
  return zero ? <ZeroProvider zero={zero}>{app}</ZeroProvider> : app;
}

async function boot() {
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
  const root = createRoot(document.getElementById('root')!);
  // The shell already shows this screen (index.html), so the first render is no emergency: as a
  // transition React renders it in slices of a few milliseconds, and a phone's main thread stays
  // free for the person's first tap instead of being held for the whole tree at once.
  startTransition(() =>
    root.render(
      <StrictMode>
        <Root session={session} cacheURL={url} />
      </StrictMode>,
    ),
  );
}

void boot();
