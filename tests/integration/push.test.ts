import postgres from 'postgres';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { createGuest, type Guest } from '../helpers/guest.ts';
import { startMusicGptServer, waitForSlots, type TestSql } from '../helpers/generation.ts';
import { createForm, ops, sync } from '../helpers/ops.ts';
import { waitFor, type RunningStack } from '../helpers/stack.ts';
import type { MusicGptStandIn } from '../standins/musicgpt.ts';
import { startPushStandIn, type PushStandIn } from '../standins/push.ts';

// Web Push against a push service stand-in on loopback: the server subscribes devices, signs and
// encrypts one notice per settlement of a form, and forgets a subscription the service says is
// gone. Only the push service's own host is trusted; every other endpoint faces the media policy.
//
// Every process of one installation hears each settlement and any of them may send it, so they
// must share one media policy. Test servers share the suite's database but not its trusted hosts,
// so this one gets a database of its own.

const { databaseUrl } = inject('stack');
const admin = postgres(databaseUrl, { max: 1, onnotice: () => {} });
const dbName = `push_${process.pid}_${Date.now()}`;
let sql: TestSql;
let push: PushStandIn;
let server: RunningStack;
let musicgpt: MusicGptStandIn;

beforeAll(async () => {
  await admin.unsafe(`create database ${dbName}`);
  const ownUrl = databaseUrl.replace(/\/refrain$/, `/${dbName}`);
  sql = postgres(ownUrl, { max: 4, onnotice: () => {} });
  push = await startPushStandIn();
  ({ server, musicgpt } = await startMusicGptServer({
    DATABASE_URL: ownUrl,
    MEDIA_TRUSTED_HOSTS: new URL(push.origin).host,
  }));
});
afterAll(async () => {
  await server?.stop();
  await musicgpt?.close();
  await push?.close();
  await sql?.end();
  await admin.unsafe(`drop database if exists ${dbName} with (force)`);
  await admin.end();
});

const subscribe = (guest: Guest, body: unknown) =>
  guest.fetch('/api/push/subscriptions', { method: 'PUT', body: JSON.stringify(body) });

const messagesTo = (endpoint: string) => push.received.filter((m) => m.endpoint === endpoint);

/** A form of one song, submitted; resolves once its three variations settled. */
async function settledForm(guest: Guest, status: 'ready' | 'failed'): Promise<string> {
  const formId = await createForm(guest, 1);
  const [answer] = await sync(guest, [ops.submit(formId)]);
  expect(answer?.status).toBe('applied');
  await waitForSlots(sql, formId, 3, status, 120_000);
  return formId;
}

it('tells every subscribed device once when a form’s songs are ready, signed with the installation’s key', async () => {
  const guest = await createGuest(server.baseUrl);
  const phone = push.subscribe();
  const tablet = push.subscribe();
  expect((await subscribe(guest, phone)).status).toBe(201);
  expect((await subscribe(guest, tablet)).status).toBe(201);
  // The same device subscribing again is one subscription, not two.
  expect((await subscribe(guest, phone)).status).toBe(201);
  const devices = await sql`
    select 1 from push_subscriptions where owner_id = ${guest.ownerId}`;
  expect(devices).toHaveLength(2);

  const formId = await settledForm(guest, 'ready');
  await waitFor(
    async () => messagesTo(phone.endpoint).length > 0 && messagesTo(tablet.endpoint).length > 0,
    60_000,
    () => `no notice reached both devices; refused: ${push.refused.join('; ')}`,
  );
  const { publicKey } = (await (await fetch(`${server.baseUrl}/api/push/key`)).json()) as {
    publicKey: string;
  };
  const [message] = messagesTo(phone.endpoint);
  expect(message!.payload).toEqual({
    title: 'Your song for Ana is ready',
    body: 'Hear the three versions of each and choose your favourite.',
    url: `/forms/${formId}`,
    tag: formId,
  });
  expect(message!.signer).toBe(publicKey);
  expect(message!.ttl).toBe(86_400);

  // Every process hears each settlement; replays of it are the same notice and send nothing.
  for (let i = 0; i < 5; i++) await sql`select pg_notify('refrain_form_settled', ${formId})`;
  // A later settlement arriving proves the replays before it were handled.
  const second = await settledForm(guest, 'ready');
  await waitFor(
    async () => messagesTo(phone.endpoint).some((m) => m.payload.tag === second),
    60_000,
    () => 'the second form’s notice never came',
  );
  expect(messagesTo(phone.endpoint).filter((m) => m.payload.tag === formId)).toHaveLength(1);
  const notices = await sql`select key from push_notices where form_id = ${formId}`;
  expect(notices).toHaveLength(1);
  expect(push.refused).toEqual([]);
});

it('says when a song needs attention, and drops a subscription the push service calls gone', async () => {
  const guest = await createGuest(server.baseUrl);
  const kept = push.subscribe();
  const dropped = push.subscribe();
  await subscribe(guest, kept);
  await subscribe(guest, dropped);
  push.expire(dropped.endpoint);

  musicgpt.script.outOfFunds = true;
  let formId: string;
  try {
    formId = await settledForm(guest, 'failed');
  } finally {
    musicgpt.script.outOfFunds = false;
  }
  await waitFor(
    async () => messagesTo(kept.endpoint).some((m) => m.payload.tag === formId),
    60_000,
    () => `no attention notice; refused: ${push.refused.join('; ')}`,
  );
  expect(messagesTo(kept.endpoint).at(-1)!.payload).toMatchObject({
    title: 'A song for Ana needs your attention',
    url: `/forms/${formId}`,
  });
  await waitFor(
    async () =>
      (await sql`select 1 from push_subscriptions where endpoint = ${dropped.endpoint}`).length ===
      0,
    30_000,
    () => 'the gone subscription was kept',
  );
  expect(
    await sql`select 1 from push_subscriptions where endpoint = ${kept.endpoint}`,
  ).toHaveLength(1);
});

it('refuses, in words, an endpoint it must not post to and keys that are not keys', async () => {
  const guest = await createGuest(server.baseUrl);
  const good = push.subscribe();
  const cases: [unknown, number, RegExp][] = [
    [{ ...good, endpoint: 'http://10.0.0.7/push/1' }, 422, /cannot be sent to that address/],
    [{ ...good, endpoint: 'https://127.0.0.1:5432/' }, 422, /not a public address/],
    [{ ...good, endpoint: 'file:///etc/passwd' }, 422, /must be https/],
    [{ ...good, keys: { ...good.keys, p256dh: 'AAAA' } }, 400, /keys\.p256dh must be 65 bytes/],
    [{ endpoint: good.endpoint }, 400, /send the browser's subscription/],
  ];
  for (const [body, status, words] of cases) {
    const res = await subscribe(guest, body);
    expect(res.status).toBe(status);
    expect(((await res.json()) as { error: string }).error).toMatch(words);
  }
  const anonymous = await fetch(`${server.baseUrl}/api/push/subscriptions`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(good),
  });
  expect(anonymous.status).toBe(401);
  expect(
    await sql`select 1 from push_subscriptions where owner_id = ${guest.ownerId}`,
  ).toHaveLength(0);

  // Another owner cannot unsubscribe this device; its owner can.
  await subscribe(guest, good);
  const stranger = await createGuest(server.baseUrl);
  const del = (g: Guest) =>
    g.fetch('/api/push/subscriptions', {
      method: 'DELETE',
      body: JSON.stringify({ endpoint: good.endpoint }),
    });
  expect(await (await del(stranger)).json()).toEqual({ removed: 0 });
  expect(await (await del(guest)).json()).toEqual({ removed: 1 });
});
