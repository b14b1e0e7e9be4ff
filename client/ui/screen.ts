import { useEffect, useRef } from 'react';
import type { Route } from './router.ts';

/** Each screen's own title: the tab, the history list and a screen reader name it. */
export const SCREEN_TITLES: Record<Route['name'], string> = {
  home: 'My songs',
  new: 'Describe the song',
  compose: 'Describe the song',
  form: 'Your songs',
  library: 'Library',
  devices: 'Your devices',
  resume: 'Connecting this device',
  missing: 'Page not found',
};

const routeKey = (r: Route) => ('formId' in r ? `${r.name}/${r.formId}` : r.name);

/**
 * Names the screen in the title and, when the person moves to another screen in the page, moves
 * focus to its heading: a screen reader announces where they are, and the next Tab starts from
 * the top of the new screen instead of from a link that is gone. The first screen of a visit
 * keeps the browser's own focus.
 */
export function useScreen(route: Route): void {
  const key = routeKey(route);
  // The screen focus was last moved for (or the first): an effect run again for the same screen
  // (React's StrictMode does that) must not take focus from where the person put it.
  const shown = useRef<string>(undefined);
  useEffect(() => {
    document.title = `${SCREEN_TITLES[route.name]} · Refrain`;
    const before = shown.current;
    shown.current = key;
    if (before === undefined || before === key) return;
    const main = document.getElementById('main');
    if (!main) return;
    const focusHeading = () => {
      const heading = main.querySelector<HTMLElement>('h2');
      if (!heading) return false;
      if (!heading.hasAttribute('tabindex')) heading.setAttribute('tabindex', '-1');
      heading.focus({ preventScroll: true });
      return true;
    };
    if (focusHeading()) return;
    // A screen opened for the first time arrives a moment later (its own chunk): its heading
    // takes the focus when it appears, unless the person has moved on by then.
    const observer = new MutationObserver(() => {
      if (focusHeading()) observer.disconnect();
    });
    observer.observe(main, { childList: true, subtree: true });
    const giveUp = setTimeout(() => observer.disconnect(), HEADING_WAIT_MS);
    return () => {
      observer.disconnect();
      clearTimeout(giveUp);
    };
    // Only a change of screen moves focus; the route object itself is new on every popstate.
  }, [key]);
}

/** How long a screen's heading is waited for before focus is left where it is. */
const HEADING_WAIT_MS = 10_000;
