import { formatMoney } from '../../schema/currency.ts';
import type { SiteInfo } from '../../schema/site.ts';
import { storedSite } from '../data/site.ts';
import { useApp } from './context.ts';
import { useLive } from './live.ts';

/** What this installation offers, as last heard; undefined until the server has answered once. */
export function useSite(): SiteInfo | undefined {
  const { db } = useApp();
  return useLive(() => storedSite(db), [db], undefined);
}

/** The price of a package of `songs` songs as people read it ("$49.00"), if known. */
export function packagePrice(site: SiteInfo | undefined, songs: number): string | undefined {
  const amount = site?.pricing.bySongCount[songs - 1];
  return amount === undefined ? undefined : formatMoney(amount, site!.pricing.currency);
}
