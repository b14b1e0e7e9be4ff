import { formatMoney } from '../../schema/currency.ts';
import type { SiteInfo } from '../../schema/site-check.ts';
import { embeddedSite, storedSite } from '../data/site.ts';
import { useApp } from './context.ts';
import { useLive } from './live.ts';

// Read once: the page's own copy is what the first render shows, before IndexedDB answers.
const firstSite = embeddedSite();

/** What this installation offers, as last heard; undefined until the server has answered once. */
export function useSite(): SiteInfo | undefined {
  const { db } = useApp();
  return useLive(() => storedSite(db), [db], firstSite);
}

/** The price of a package of `songs` songs as people read it ("$49.00"), if known. */
export function packagePrice(site: SiteInfo | undefined, songs: number): string | undefined {
  const pricing = site?.pricing;
  const amount = pricing?.bySongCount[songs - 1];
  if (amount === undefined) return undefined;
  // The server's own rendering for this reader, when it sent one: the same formatMoney, run
  // where it does not hold up the phone's first paint.
  return pricing!.shown?.[songs - 1] ?? formatMoney(amount, pricing!.currency);
}
