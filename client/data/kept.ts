// Songs kept on this device for listening offline: the whole MP3 in a Cache Storage cache of its
// own, which the service worker answers from (sw/kept.ts), beside a small record of what it is.
// The page and the worker share this module; it uses nothing but the Cache and Storage APIs.

/** The cache kept songs live in; removing a song removes its entries, nothing else clears it. */
export const KEPT_CACHE = 'refrain-kept-v1';

/** Where the worker serves a kept song's audio from (never a server path). */
export const KEPT_PREFIX = '/kept/';
export const keptAudioPath = (takeId: string) => `${KEPT_PREFIX}${takeId}.mp3`;
const recordPath = (takeId: string) => `${KEPT_PREFIX}${takeId}.json`;

/** What the library shows of a kept song even when nothing else is known (offline, no sync yet). */
export interface KeptSong {
  takeId: string;
  formId: string;
  songIndex: number;
  title: string;
  recipient: string;
  /** The size of the kept audio, in bytes. */
  bytes: number;
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
 * Fetches the whole song from `audioUrl` (a freshly minted download link) and keeps it. The
 * record is written last, so a song counts as kept only once its audio is whole.
 */
export async function keepSong(
  song: Omit<KeptSong, 'bytes' | 'keptAt'>,
  audioUrl: string,
): Promise<KeptSong> {
  const response = await fetch(audioUrl);
  if (!response.ok) throw new Error(`the song could not be fetched (${response.status})`);
  const audio = await response.blob();
  const cache = await caches.open(KEPT_CACHE);
  await cache.put(
    keptAudioPath(song.takeId),
    new Response(audio, {
      headers: { 'content-type': 'audio/mpeg', 'content-length': String(audio.size) },
    }),
  );
  const kept: KeptSong = { ...song, bytes: audio.size, keptAt: Date.now() };
  await cache.put(
    recordPath(song.takeId),
    new Response(JSON.stringify(kept), { headers: { 'content-type': 'application/json' } }),
  );
  return kept;
}

/** Removes a kept song from this device (its record first, so it never shows half-removed). */
export async function removeKept(takeId: string): Promise<void> {
  const cache = await caches.open(KEPT_CACHE);
  await cache.delete(recordPath(takeId));
  await cache.delete(keptAudioPath(takeId));
}

/** The kept audio of a song, as the worker serves it; undefined when it is not kept here. */
export async function keptAudio(path: string): Promise<Response | undefined> {
  const cache = await caches.open(KEPT_CACHE);
  return cache.match(path);
}
