/// <reference lib="webworker" />
import { createPartialResponse } from 'workbox-range-requests';
import { keptFile } from '../client/data/kept.ts';

/**
 * A song kept on this device (its audio or its cover), from its cache and never from the
 * network: players ask for byte ranges, each cut from the whole file kept there. A song not kept here answers 404 in words.
 */
export async function serveKept(request: Request): Promise<Response> {
  const full = await keptFile(new URL(request.url).pathname);
  if (!full) {
    return new Response('This song is not kept on this device.', {
      status: 404,
      headers: { 'content-type': 'text/plain; charset=utf-8' },
    });
  }
  return request.headers.has('range') ? createPartialResponse(request, full) : full;
}
