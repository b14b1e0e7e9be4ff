import type { SiteInfo } from '../../schema/site.ts';
import type { RefrainDb } from './db.ts';

// The last answer of GET /api/config, kept so that a phone starting offline still shows the form
// this installation needs (whether songs are sung, where live sync is).
const SITE_KEY = 'site';

// The answer is checked with zod, fetched with import() to keep it out of the first load.
const siteInfo = async () => (await import('./schemas.ts')).SiteInfo;

/** Asks the server what it offers and keeps the answer; offline, the kept one. */
export async function refreshSite(db: RefrainDb): Promise<SiteInfo> {
  try {
    const [res, SiteInfo] = await Promise.all([fetch('/api/config'), siteInfo()]);
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
  // The read comes before any other await: useSite runs this as a Dexie liveQuery, which tracks
  // reliably only what is read before a non-Dexie promise is awaited.
  const kept = (await db.kv.get(SITE_KEY))?.value;
  if (kept === undefined) return undefined;
  const parsed = (await siteInfo()).safeParse(kept);
  return parsed.success ? parsed.data : undefined;
}
