import { Hono } from 'hono';
import { PronounceQuery, type PronounceAnswer } from '../../schema/pronunciation.ts';
import type { AppEnv } from '../http/env.ts';
import { queryParams } from '../http/request.ts';
import { pronouncingDictionary, suggestRespellings } from '../writer/index.ts';

/**
 * GET /api/pronounce?name=Siobhan — respellings to offer in the form ("shuh-VAWN"), from the CMU
 * Pronouncing Dictionary, which stays on the server (3.6 MB). Open like /api/config: the answer
 * depends on the name alone and holds nothing of anyone's; the name is bounded, and a look-up is a
 * few map reads once the dictionary is loaded.
 */
export function pronunciationRoutes() {
  return new Hono<AppEnv>().get('/', async (c) => {
    const { name } = queryParams(c, PronounceQuery);
    const respellings = suggestRespellings(await pronouncingDictionary(), name);
    // The browser may keep it; no shared cache should keep a name somebody typed.
    c.header('cache-control', 'private, max-age=86400');
    return c.json({ name, respellings } satisfies PronounceAnswer);
  });
}
