/// <reference lib="webworker" />
import { createPartialResponse } from 'workbox-range-requests';

export const AUDIO_CACHE = 'refrain-audio-v1';

/**
 * Audio a person played stays playable offline. Players ask for byte ranges, and a 206 cannot be
 * cached, so the first play fetches the whole file once (it is small: a preview), stores it, and
 * every range is then cut from the cached copy.
 */
export async function serveAudio(request: Request): Promise<Response> {
  const cache = await caches.open(AUDIO_CACHE);
  const url = request.url;
  let full = await cache.match(url);
  if (!full) {
    const response = await fetch(url, { credentials: 'same-origin' });
    if (response.status !== 200) return response;
    await cache.put(url, response.clone());
    full = response;
  }
  return request.headers.has('range') ? createPartialResponse(request, full) : full;
}
