import { expect, inject, it } from 'vitest';
import { makeGuest } from '../helpers/api.ts';

const { baseUrl } = inject('stack');

it('health names every part and reports them up', async () => {
  const res = await fetch(`${baseUrl}/api/health`);
  expect(res.status).toBe(200);
  expect(await res.json()).toEqual({
    ok: true,
    db: 'up',
    sync: 'up',
    provider: 'local',
    writer: 'local',
    writing: { name: 'local' },
    payments: 'demo',
  });
});

it('a guest session is a signed token for a new owner', async () => {
  const a = await makeGuest(baseUrl);
  const b = await makeGuest(baseUrl);
  expect(a.ownerId).not.toBe(b.ownerId);
  expect(a.token.split('.')).toHaveLength(3);
});

it('API calls without a valid token get 401 with a message', async () => {
  const none = await fetch(`${baseUrl}/api/zero/mutate`, { method: 'POST', body: '{}' });
  expect(none.status).toBe(401);
  const res = await fetch(`${baseUrl}/api/nothing-here`);
  expect(res.status).toBe(404);
  expect((await res.json()).error).toMatch(/no such endpoint/);
});

it('unknown paths outside /api get the app shell', async () => {
  const res = await fetch(`${baseUrl}/history/some-form`);
  expect(res.status).toBe(200);
  expect(await res.text()).toContain('<div id="root">');
});
