import { afterAll, beforeAll, expect, it } from 'vitest';
import { makeGuest } from '../helpers/api.ts';
import { startApiServer } from '../helpers/api-server.ts';
import { forwardedAddress, loopbackAddress, postFrom } from '../helpers/limits.ts';
import type { RunningStack } from '../helpers/stack.ts';

// Each test speaks from loopback addresses of its own (127.x.y.z), so no other test's guests
// share its budget, and "another network" needs no other machine.
let direct: RunningStack;
let proxied: RunningStack;

beforeAll(async () => {
  const limits = { RATE_SESSIONS_PER_IP: '3/10m', RATE_RESUME_REDEEMS_PER_IP: '3/10m' };
  const behindProxy = { ...limits, TRUST_PROXY_HOPS: '1' };
  // One at a time: processes starting at once on a busy machine can miss their deadline.
  direct = await startApiServer(limits);
  proxied = await startApiServer(behindProxy);
});
afterAll(async () => {
  await Promise.all([direct?.stop(), proxied?.stop()]);
});

const newSession = (server: RunningStack, from: string, forwardedFor?: string) =>
  postFrom(`${server.baseUrl}/api/session`, {
    from,
    headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {},
  });

it('new guests per address are limited with Retry-After and a sentence; another address has its own budget', async () => {
  const home = loopbackAddress();
  for (let i = 0; i < 3; i++) expect((await newSession(direct, home)).status).toBe(201);
  const refused = await newSession(direct, home);
  expect(refused.status).toBe(429);
  expect(Number(refused.retryAfter)).toBeGreaterThan(500);
  expect(Number(refused.retryAfter)).toBeLessThanOrEqual(600);
  expect(refused.body.error).toMatch(
    /^Too many new visitors from your network right now; try again in about (9|10) minutes\.$/,
  );
  expect(refused.body.retryAfterMs).toBeGreaterThan(500_000);
  // With no trusted proxy, X-Forwarded-For is anyone's to write: it changes nothing.
  expect((await newSession(direct, home, forwardedAddress())).status).toBe(429);

  expect((await newSession(direct, loopbackAddress())).status).toBe(201);
});

it('two API processes share one budget per address', async () => {
  // Without X-Forwarded-For the proxied process also counts the socket's address.
  const home = loopbackAddress();
  expect((await newSession(direct, home)).status).toBe(201);
  expect((await newSession(proxied, home)).status).toBe(201);
  expect((await newSession(direct, home)).status).toBe(201);
  expect((await newSession(proxied, home)).status).toBe(429);
  expect((await newSession(direct, home)).status).toBe(429);
});

it('behind one trusted proxy the forwarded address counts, read from the right', async () => {
  const proxy = loopbackAddress();
  const [alice, bob] = [forwardedAddress(), forwardedAddress()];
  expect((await newSession(proxied, proxy, alice)).status).toBe(201);
  expect((await newSession(proxied, proxy, alice)).status).toBe(201);
  // A client may prepend anything; the proxy appends the address it saw, and only that counts.
  expect((await newSession(proxied, proxy, `${forwardedAddress()}, ${alice}`)).status).toBe(201);
  const refused = await newSession(proxied, proxy, `${forwardedAddress()}, ${alice}`);
  expect(refused.status).toBe(429);
  expect(Number(refused.retryAfter)).toBeGreaterThan(500);

  // Same proxy, another person behind it: a budget of their own.
  expect((await newSession(proxied, proxy, bob)).status).toBe(201);
});

it('resume-code tries per address are limited, right or wrong, so codes cannot be guessed', async () => {
  const phone = await makeGuest();
  const res = await phone.fetch('/api/resume-codes', { method: 'POST' });
  const { code } = await res.json();
  const from = loopbackAddress();
  const redeem = (c: string) =>
    postFrom(`${direct.baseUrl}/api/resume-codes/redeem`, { from, body: { code: c } });

  for (let i = 0; i < 3; i++) expect((await redeem(`wrong-guess-${i}-xxxxxxxx`)).status).toBe(410);
  const refused = await redeem(code);
  expect(refused.status).toBe(429);
  expect(Number(refused.retryAfter)).toBeGreaterThan(500);
  expect(refused.body.error).toMatch(
    /^Too many tries to continue on another device from your network right now; try again in about (9|10) minutes\.$/,
  );
  // The code itself is untouched: from elsewhere it still works, once.
  const elsewhere = await postFrom(`${direct.baseUrl}/api/resume-codes/redeem`, {
    from: loopbackAddress(),
    body: { code },
  });
  expect(elsewhere.status).toBe(200);
  expect(elsewhere.body.ownerId).toBe(phone.ownerId);
});
