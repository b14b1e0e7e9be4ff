import { SiteInfo } from '../../schema/site.ts';
import type { RefrainDb } from './db.ts';

// The last answer of GET /api/config, kept so that a phone starting offline still shows the form
// this installation needs (whether songs are sung, where live sync is).
const SITE_KEY = 'site';

/** Asks the server what it offers and keeps the answer; offline, the kept one. */
export async function refreshSite(db: RefrainDb): Promise<SiteInfo> {
  try {
    const res = await fetch('/api/config');
    const info = SiteInfo.parse(await res.json());
    await db.kv.put({ key: SITE_KEY, value: info });
    return info;
  } catch (err) {
    const kept = await storedSite(db);
    if (kept) return kept;
    throw err;
  }
}

/** The kept answer, or undefined on a first visit that never reached the server. */
export async function storedSite(db: RefrainDb): Promise<SiteInfo | undefined> {
  const parsed = SiteInfo.safeParse((await db.kv.get(SITE_KEY))?.value);
  return parsed.success ? parsed.data : undefined;
}
