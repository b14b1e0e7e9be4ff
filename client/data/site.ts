import { readSiteInfo, SITE_INFO_ELEMENT } from '../../schema/site-check.ts';
import type { SiteInfo } from '../../schema/site-check.ts';
import type { RefrainDb } from './db.ts';

// The last answer of GET /api/config, kept so that a phone starting offline still shows the form
// this installation needs (whether songs are sung, where live sync is).
const SITE_KEY = 'site';

/**
 * The answer the server wrote into the page it sent, if any: a first visit knows prices and
 * whether songs are sung from its very first paint, without waiting for a request.
 */
export function embeddedSite(): SiteInfo | undefined {
  const text = globalThis.document?.getElementById(SITE_INFO_ELEMENT)?.textContent;
  if (!text) return undefined;
  try {
    return readSiteInfo(JSON.parse(text));
  } catch {
    return undefined;
  }
}

/**
 * At start: keeps what the page came with (awaited, so screens reading the kept answer never see
 * it missing), else asks the server in the background. Never fails: offline keeps the old answer.
 */
export async function loadSite(db: RefrainDb): Promise<void> {
  const embedded = embeddedSite();
  if (!embedded) {
    void refreshSite(db).catch(() => undefined);
    return;
  }
  await db.kv.put({ key: SITE_KEY, value: embedded }).catch(() => undefined);
}

/** Asks the server what it offers and keeps the answer; offline, the kept one. */
export async function refreshSite(db: RefrainDb): Promise<SiteInfo> {
  try {
    const res = await fetch('/api/config');
    const info = readSiteInfo(await res.json());
    if (!info) throw new Error(`GET /api/config answered ${res.status} without the site's facts`);
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
  // One read and no other await: useSite runs this as a Dexie liveQuery, which tracks reliably
  // only what is read before a non-Dexie promise is awaited.
  return readSiteInfo((await db.kv.get(SITE_KEY))?.value);
}
