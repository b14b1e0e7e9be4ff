import type { Workbox } from 'workbox-window';
import { lazy, Suspense } from 'react';
import { Home, NewSong } from './screens/Home.tsx';
import { linkProps, useRoute } from './ui/router.ts';
import { useScreen } from './ui/screen.ts';
import { SignedOutNotice } from './ui/SignedOut.tsx';
import { ShellView } from './ui/ShellView.tsx';
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
  // Only the screens that come as chunks of their own need a Suspense boundary; Home has none,
  // so its first pass matches the painted page the build wrote (ShellView).
  const later =
    route.name === 'compose' ? (
      <Compose formId={route.formId} />
    ) : route.name === 'form' ? (
      <Variations formId={route.formId} />
    ) : route.name === 'library' ? (
      <Library />
    ) : route.name === 'devices' ? (
      <Devices />
    ) : route.name === 'resume' ? (
      <Resume code={route.code} />
    ) : undefined;
  return (
    <ShellView
      link={linkProps}
      status={
        <>
          <SyncBadge />
          <UnsentChanges />
        </>
      }
      after={<UpdatePrompt wb={wb} />}
    >
      <SignedOutNotice />
      {route.name === 'home' && <Home />}
      {route.name === 'new' && <NewSong />}
      {later && <Suspense fallback={<p>Loading…</p>}>{later}</Suspense>}
      {route.name === 'missing' && (
        <p>
          There is nothing here. <a {...linkProps('/')}>Go to my songs</a>
        </p>
      )}
    </ShellView>
  );
}
