import { Zero } from '@rocicorp/zero';
import { ZeroProvider } from '@rocicorp/zero/react';
import { StrictMode, useEffect, useMemo, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { Workbox } from 'workbox-window';
import type { AuthContext } from '../schema/queries.ts';
import { schema } from '../schema/zero.ts';
import { App } from './App.tsx';
import { db } from './data/db.ts';
import { ensureSession, storedSession, type Session } from './data/session.ts';
import { SyncEngine } from './data/sync.ts';
import { App as AppCtx } from './ui/context.ts';
import './styles.css';

const database = db();
const sync = new SyncEngine(database);
sync.start();

// The service worker registers after load and never takes over on its own (see UpdatePrompt).
const wb = 'serviceWorker' in navigator ? new Workbox('/sw.js') : undefined;
if (wb) window.addEventListener('load', () => void wb.register());

async function syncUrl(): Promise<string> {
  const cached = (await database.kv.get('syncUrl'))?.value as string | undefined;
  try {
    const res = await fetch('/api/config');
    const config = (await res.json()) as { syncUrl: string | null; zeroPort: number };
    const url = config.syncUrl ?? `${location.protocol}//${location.hostname}:${config.zeroPort}`;
    await database.kv.put({ key: 'syncUrl', value: url });
    return url;
  } catch (err) {
    if (cached) return cached;
    throw err;
  }
}

function Root() {
  const [session, setSession] = useState<Session | undefined>();
  const [cacheURL, setCacheURL] = useState<string | undefined>();
  useEffect(() => {
    let stop = false;
    // Offline on a first visit there is no session yet: the app works locally and connects later.
    const connect = async () => {
      const s = (await storedSession(database)) ?? (navigator.onLine ? await ensureSession(database).catch(() => undefined) : undefined);
      const url = s ? await syncUrl().catch(() => undefined) : undefined;
      if (stop) return;
      if (s) setSession((old) => (old?.token === s.token ? old : s));
      if (url) setCacheURL(url);
      if (s) sync.kick();
    };
    void connect();
    window.addEventListener('online', connect);
    return () => {
      stop = true;
      window.removeEventListener('online', connect);
    };
  }, []);

  const zero = useMemo(() => {
    if (!session || !cacheURL) return undefined;
    const context = { ownerId: session.ownerId } as AuthContext;
    return new Zero({ cacheURL, schema, userID: session.ownerId, auth: session.token, context });
  }, [session, cacheURL]);
  useEffect(() => () => void zero?.close(), [zero]);

  const ctx = useMemo(() => ({ db: database, sync, session, hasZero: !!zero, setSession }), [session, zero]);
  const app = (
    <AppCtx.Provider value={ctx}>
      <App wb={wb} />
    </AppCtx.Provider>
  );
  return zero ? <ZeroProvider zero={zero}>{app}</ZeroProvider> : app;
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Root />
  </StrictMode>,
);
