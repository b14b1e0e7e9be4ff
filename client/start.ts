import { Workbox } from 'workbox-window';
import './styles.css';

// What the page runs first: a few kilobytes that decide when the app starts. A first visit to
// Home reads a complete page before any of the app runs (the build and the server paint it: its
// price, how it works, the samples to hear, links that work). Running the app's modules is the
// heaviest work a phone does on this page, so on that visit it starts when the person shows
// intent (a touch, a key, a scroll, focus): the page stays free to answer them, and the app adopts
// the painted page as it is (main.tsx). Everywhere else, and on a device that has songs or a
// session here, it starts at once, since the screen's content is this device's own.

// The service worker registers after load and never takes over on its own (see UpdatePrompt). It
// also fetches the app's files meanwhile, so starting on intent reads them from this device.
const wb = 'serviceWorker' in navigator ? new Workbox('/sw.js') : undefined;
if (wb) window.addEventListener('load', () => void wb.register());

// The app's database (client/data/database-name.ts), written out: importing it would make the
// app's chunk import this one, and Vite would then load this chunk's stylesheet again with it.
const DATABASE_NAME = 'refrain';

const INTENT = ['pointerdown', 'touchstart', 'keydown', 'focusin', 'wheel', 'scroll'] as const;
const listening = { capture: true, passive: true } as const;

// Home's heading is there only when the server painted Home, which it does for "/" alone (never
// in the service worker's copy).
const painted = !!document.getElementById('history-title');
let state: 'waiting' | 'starting' | 'started' = 'waiting';

function start() {
  if (state !== 'waiting') return;
  state = 'starting';
  for (const type of INTENT) window.removeEventListener(type, start, listening);
  import('./main.tsx').then(
    (app) => {
      state = 'started';
      return app.boot(wb, painted);
    },
    (err: unknown) => {
      // Offline before the service worker had the app: the painted page stays, and the next sign
      // of intent or the network's return tries again.
      console.error('the app could not be loaded', err);
      state = 'waiting';
      waitForIntent();
    },
  );
}

function waitForIntent() {
  for (const type of INTENT) window.addEventListener(type, start, listening);
  window.addEventListener('online', start, { once: true });
}

/** Whether this device has anything of Refrain's: drafts, an outbox or a session to show. */
async function hasOwnData(): Promise<boolean> {
  // Without a way to ask, start as if it had: the list must never wait for a tap.
  if (typeof indexedDB?.databases !== 'function') return true;
  try {
    return (await indexedDB.databases()).some((d) => d.name === DATABASE_NAME);
  } catch {
    return true;
  }
}

if (!painted) start();
else {
  waitForIntent();
  void hasOwnData().then((has) => has && start());
}
