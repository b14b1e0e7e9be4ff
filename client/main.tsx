import { Zero } from '@rocicorp/zero';
import { ZeroProvider } from '@rocicorp/zero/react';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import type { AuthContext } from '../schema/queries.ts';
import { schema } from '../schema/zero.ts';
import { App } from './App.tsx';
import { loadSession, loadSyncUrl } from './session.ts';
import './styles.css';

const root = createRoot(document.getElementById('root')!);

async function boot() {
  const [session, cacheURL] = await Promise.all([loadSession(), loadSyncUrl()]);
  const context = { ownerId: session.ownerId } as AuthContext;
  const zero = new Zero({
    cacheURL,
    schema,
    userID: session.ownerId,
    auth: session.token,
    context,
  });
  root.render(
    <StrictMode>
      <ZeroProvider zero={zero}>
        <App />
      </ZeroProvider>
    </StrictMode>,
  );
}

boot().catch((err: unknown) => {
  root.render(
    <main className="shell">
      <h1>Refrain</h1>
      <p role="alert">Could not start: {String(err)}</p>
    </main>,
  );
});
