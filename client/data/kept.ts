// Songs kept on this device for listening offline: the whole MP3 in a Cache Storage cache of its
// own, which the service worker answers from (sw/kept.ts), beside a small record of what it is.
// The page and the worker share this module; it uses nothing but the Cache and Storage APIs.

/** The cache kept songs live in; removing a song removes its entries, nothing else clears it. */
export const KEPT_CACHE = 'refrain-kept-v1';

/** Where the worker serves a kept song's audio from (never a server path). */
export const KEPT_PREFIX = '/kept/';
export const keptAudioPath = (takeId: string) => `${KEPT_PREFIX}${takeId}.mp3`;
export const keptCoverPath = (takeId: string) => `${KEPT_PREFIX}${takeId}.cover`;
const recordPath = (takeId: string) => `${KEPT_PREFIX}${takeId}.json`;

/** What the library shows of a kept song even when nothing else is known (offline, no sync yet). */
export interface KeptSong {
  takeId: string;
  formId: string;
  songIndex: number;
  title: string;
  recipient: string;
  /** The size of what is kept (the audio, and the cover if any), in bytes. */
  bytes: number;
  /** Its cover is kept too (`keptCoverPath`). */
  hasCover?: boolean;
  keptAt: number;
}

/** Every song kept here, newest first. */
export async function keptSongs(): Promise<KeptSong[]> {
  if (!('caches' in self)) return [];
  const cache = await caches.open(KEPT_CACHE);
  const records = (await cache.keys()).filter((r) => r.url.endsWith('.json'));
  const songs = await Promise.all(
    records.map(async (r) => (await cache.match(r))?.json() as Promise<KeptSong> | undefined),
  );
  return songs.filter((s): s is KeptSong => !!s).sort((a, b) => b.keptAt - a.keptAt);
}

/**
 * Fetches the whole song from `audioUrl` (a freshly minted download link), and its cover if it
 * has one, and keeps them. The record is written last, so a song counts as kept only once its
 * audio is whole; a cover that cannot be fetched is left out, not the song.
 */
export async function keepSong(
  song: Omit<KeptSong, 'bytes' | 'keptAt' | 'hasCover'>,
  audioUrl: string,
  coverUrl?: string,
): Promise<KeptSong> {
  const response = await fetch(audioUrl);
  if (!response.ok) throw new Error(`the song could not be fetched (${response.status})`);
  const audio = await response.blob();
  const cover = coverUrl ? await fetchCover(coverUrl) : undefined;
  const cache = await caches.open(KEPT_CACHE);
  await cache.put(keptAudioPath(song.takeId), whole(audio, 'audio/mpeg'));
  if (cover) await cache.put(keptCoverPath(song.takeId), whole(cover, cover.type));
  const kept: KeptSong = {
    ...song,
    bytes: audio.size + (cover?.size ?? 0),
    hasCover: !!cover,
    keptAt: Date.now(),
  };
  await cache.put(
    recordPath(song.takeId),
    new Response(JSON.stringify(kept), { headers: { 'content-type': 'application/json' } }),
  );
  return kept;
}

const whole = (body: Blob, type: string) =>
  new Response(body, { headers: { 'content-type': type, 'content-length': String(body.size) } });

async function fetchCover(url: string): Promise<Blob | undefined> {
  try {
    const response = await fetch(url);
    return response.ok ? await response.blob() : undefined;
  } catch {
    return undefined;
  }
}

/** Removes a kept song from this device (its record first, so it never shows half-removed). */
export async function removeKept(takeId: string): Promise<void> {
  const cache = await caches.open(KEPT_CACHE);
  await cache.delete(recordPath(takeId));
  await cache.delete(keptAudioPath(takeId));
  await cache.delete(keptCoverPath(takeId));
}

/** A kept song's audio or cover, as the worker serves it; undefined when it is not kept here. */
export async function keptFile(path: string): Promise<Response | undefined> {
  const cache = await caches.open(KEPT_CACHE);
  return cache.match(path);
}
