import type { Workbox } from 'workbox-window';
import { Compose } from './screens/Compose.tsx';
import { Devices } from './screens/Devices.tsx';
import { Home } from './screens/Home.tsx';
import { Resume } from './screens/Resume.tsx';
import { Variations } from './screens/Variations.tsx';
import { linkProps, useRoute } from './ui/router.ts';
import { SignedOutNotice } from './ui/SignedOut.tsx';
import { SyncBadge } from './ui/SyncBadge.tsx';
import { UnsentChanges } from './ui/UnsentChanges.tsx';
import { UpdatePrompt } from './ui/UpdatePrompt.tsx';

/** The app shell: header with sync state and changes that need the person, the current screen, the update prompt. */
export function App({ wb }: { wb?: Workbox }) {
  const route = useRoute();
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
            <a {...linkProps('/')}>My songs</a> · <a {...linkProps('/devices')}>Devices</a>
          </nav>
        </div>
        <p className="shell__tagline">A song made for someone, from your phone.</p>
        <SyncBadge />
        <UnsentChanges />
      </header>
      <main id="main">
        <SignedOutNotice />
        {route.name === 'home' && <Home />}
        {route.name === 'compose' && <Compose formId={route.formId} />}
        {route.name === 'form' && <Variations formId={route.formId} />}
        {route.name === 'devices' && <Devices />}
        {route.name === 'resume' && <Resume code={route.code} />}
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
