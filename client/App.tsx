import type { Workbox } from 'workbox-window';
import { lazy, Suspense } from 'react';
import { Home } from './screens/Home.tsx';
import { linkProps, useRoute } from './ui/router.ts';
import { useScreen } from './ui/screen.ts';
import { SignedOutNotice } from './ui/SignedOut.tsx';
import { SyncBadge } from './ui/SyncBadge.tsx';
import { UnsentChanges } from './ui/UnsentChanges.tsx';
import { UpdatePrompt } from './ui/UpdatePrompt.tsx';

// Home comes with the first load; every other screen is its own chunk, fetched when first opened
// (the service worker precaches them all, so they open offline too). This keeps the JavaScript a
// phone must fetch and parse before anything shows within its budget (bench/lighthouse.ts).
const Compose = lazy(() => import('./screens/Compose.tsx').then((m) => ({ default: m.Compose })));
const Variations = lazy(() =>
  import('./screens/Variations.tsx').then((m) => ({ default: m.Variations })),
);
const Library = lazy(() => import('./screens/Library.tsx').then((m) => ({ default: m.Library })));
const Devices = lazy(() => import('./screens/Devices.tsx').then((m) => ({ default: m.Devices })));
const Resume = lazy(() => import('./screens/Resume.tsx').then((m) => ({ default: m.Resume })));

/** The app shell: header with sync state and changes that need the person, the current screen, the update prompt. */
export function App({ wb }: { wb?: Workbox }) {
  const route = useRoute();
  useScreen(route);
  return (
    <div className="shell">
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="shell__header">
        <div className="row row--between">
          <h1>
            <a {...linkProps('/')}>Refrain</a>
          </h1>
          <nav aria-label="Main">
            <a {...linkProps('/')}>My songs</a> · <a {...linkProps('/library')}>Library</a> ·{' '}
            <a {...linkProps('/devices')}>Devices</a>
          </nav>
        </div>
        <p className="shell__tagline">A song made for someone, from your phone.</p>
        <SyncBadge />
        <UnsentChanges />
      </header>
      <main id="main">
        <SignedOutNotice />
        {route.name === 'home' && <Home />}
        <Suspense fallback={<p>Loading…</p>}>
          {route.name === 'compose' && <Compose formId={route.formId} />}
          {route.name === 'form' && <Variations formId={route.formId} />}
          {route.name === 'library' && <Library />}
          {route.name === 'devices' && <Devices />}
          {route.name === 'resume' && <Resume code={route.code} />}
        </Suspense>
        {route.name === 'missing' && (
          <p>
            There is nothing here. <a {...linkProps('/')}>Go to my songs</a>
          </p>
        )}
      </main>
      <UpdatePrompt wb={wb} />
    </div>
  );
}
