import type { Sql } from 'postgres';
import { describe, expect, it } from 'vitest';
import { PronounceAnswer } from '../../schema/pronunciation.ts';
import { createApp, type AppServices } from '../../server/app.ts';
import { loadConfig } from '../../server/config.ts';

// GET /api/pronounce reads no database and needs no token: the app is built without either.
const noDatabase = (() => {
  throw new Error('no database in this test');
}) as unknown as Sql;
const app = createApp(
  { config: loadConfig({}), sql: noDatabase, tokens: {} as never, isSyncUp: async () => false },
  { writer: { summary: { name: 'local' } }, payments: {} } as unknown as AppServices,
);

const ask = (query: string) => app.request(`/api/pronounce${query}`);

describe('GET /api/pronounce', () => {
  it('answers the respellings of a name the dictionary knows, most common first', async () => {
    const res = await ask(`?name=${encodeURIComponent(' Siobhan ')}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('private, max-age=86400');
    expect(PronounceAnswer.parse(await res.json())).toEqual({
      name: 'Siobhan',
      respellings: ['SHOW-bahn', 'shuh-VAWN'],
    });
  });

  it('answers an empty list for a name it does not know', async () => {
    const res = await ask('?name=Aoife');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ name: 'Aoife', respellings: [] });
  });

  it.each([
    ['', 'type the name first, then ask for a suggestion'],
    ['?name=', 'type the name first, then ask for a suggestion'],
    ['?name=%20%20', 'type the name first, then ask for a suggestion'],
    [`?name=${'a'.repeat(61)}`, 'a suggestion is made for a name of up to 60 characters'],
    ['?name=1234', 'a name needs at least one letter'],
  ])('refuses %j with 400 in words a person can act on', async (query, words) => {
    const res = await ask(query);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: string };
    expect(body.error).toBe(words);
  });
});
