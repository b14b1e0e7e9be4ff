import { expect, inject, it } from 'vitest';

const { baseUrl } = inject('stack');

// Clients close idle keep-alive connections before the server does (undici after 4 s, proxies
// after about 60 s): a server that closed them first (Node's default, 5 s) raced clients that
// reused one just then, and their request failed with "other side closed" on busy machines.
it('keeps an idle connection open longer than any client does, and says how long', async () => {
  const res = await fetch(`${baseUrl}/api/health`);
  await res.arrayBuffer();
  const timeout = /timeout=(\d+)/.exec(res.headers.get('keep-alive') ?? '')?.[1];
  expect(Number(timeout)).toBeGreaterThanOrEqual(60);
});
