import { Hono } from 'hono';
import { sendFile } from '../audio/send.ts';
import { Refusal } from '../errors.ts';
import type { AppEnv } from '../http/env.ts';
import type { SampleSongs } from './types.ts';

/**
 * GET /api/samples/:id — a sample song's audio, with Range support, as take previews are served.
 * Public: the same few songs for everyone. No limit is needed either: an id that is not a sample
 * costs a lookup, and each sample is rendered once per engine version, one at a time.
 */
export function sampleRoutes(samples: SampleSongs) {
  return new Hono<AppEnv>().get('/:id', async (c) => {
    const file = await samples.audioFile(c.req.param('id'));
    if (!file) {
      throw new Refusal(
        'not_found',
        'This sample song is no longer here. Reload the page to hear the ones there are now.',
      );
    }
    // A new version of a sample comes with a new URL (?v=), so what a browser cached never holds
    // back the current one from a page with the current list.
    return sendFile(c, file, { contentType: 'audio/mpeg', cacheControl: 'public, max-age=86400' });
  });
}
