import { expect, inject, it } from 'vitest';
import { browserFixture } from '../helpers/fixtures.ts';
import { testSql } from '../helpers/generation.ts';
import { fillSong, openApp, PHONE, screenshot, sessionOf } from '../helpers/pages.ts';
import { waitFor } from '../helpers/stack.ts';

// Headless Chromium has no push service to subscribe with, so the page's PushManager hands out a
// subscription the way a browser would (endpoint and keys); everything after that is real: the
// app's permission prompt, its call to the server, and the service worker showing pushed notices
// (delivered through the DevTools protocol, as a push service would deliver them).

const { baseUrl } = inject('stack');
const web = browserFixture();
const sql = testSql();

const FAKE_ENDPOINT = `https://push.example.net/send/${crypto.randomUUID()}`;

it('offers to tell the person when songs are ready, subscribes this device, and shows what is pushed', async () => {
  const context = await web.browser.newContext(PHONE);
  await context.grantPermissions(['notifications'], { origin: baseUrl });
  await context.addInitScript((endpoint: string) => {
    const bytes = (n: number, first = 0) =>
      btoa(String.fromCharCode(first, ...Array.from({ length: n - 1 }, (_, i) => (i * 7) & 255)))
        .replace(/\+/g, '-')
        .replace(/\//g, '_')
        .replace(/=+$/, '');
    let subscribed: PushSubscription | null = null;
    const subscription = {
      endpoint,
      toJSON: () => ({ endpoint, keys: { p256dh: bytes(65, 4), auth: bytes(16) } }),
    } as unknown as PushSubscription;
    PushManager.prototype.getSubscription = async () => subscribed;
    PushManager.prototype.subscribe = async (options?: PushSubscriptionOptionsInit) => {
      if (!options?.applicationServerKey) throw new Error('no applicationServerKey');
      subscribed = subscription;
      return subscription;
    };
  }, FAKE_ENDPOINT);
  const page = await openApp(context, baseUrl);
  await page.getByTestId('new-song').click();
  await fillSong(page, 0, {
    recipient: 'Siobhan',
    relationship: 'my sister',
    occasion: 'her birthday',
    story: 'We grew up by the sea in Cork and she taught me to swim.',
  });
  await page.getByTestId('submit').click();
  await page.waitForURL(/\/forms\//);

  const offer = page.getByTestId('ready-alert');
  await offer.waitFor({ timeout: 60_000 });
  // The results open at their top, where the progress is, not where the form's button was.
  expect(await page.evaluate(() => window.scrollY)).toBe(0);
  await screenshot(page, 'variations-notify');
  await page.getByTestId('ready-alert-on').click();
  await expect.poll(() => offer.getAttribute('data-state'), { timeout: 30_000 }).toBe('on');
  expect(await offer.textContent()).toMatch(/notification on this device when your songs/);
  const { ownerId } = await sessionOf(page);
  const [row] = await sql<{ owner_id: string }[]>`
    select owner_id from push_subscriptions where endpoint = ${FAKE_ENDPOINT}`;
  expect(row?.owner_id).toBe(ownerId);

  // A push arrives: the service worker shows it, and keeps its link on this origin.
  const cdp = await context.newCDPSession(page);
  const registrationId = new Promise<string>((resolve) =>
    cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => {
      const ours = registrations.find((r: { scopeURL: string }) => r.scopeURL.startsWith(baseUrl));
      if (ours) resolve(ours.registrationId);
    }),
  );
  await cdp.send('ServiceWorker.enable');
  const deliver = async (data: unknown) =>
    cdp.send('ServiceWorker.deliverPushMessage', {
      origin: new URL(baseUrl).origin,
      registrationId: await registrationId,
      data: JSON.stringify(data),
    });
  const shown = () =>
    page.evaluate(async () =>
      (await (await navigator.serviceWorker.ready).getNotifications()).map((n) => ({
        title: n.title,
        body: n.body,
        tag: n.tag,
        url: (n.data as { url: string }).url,
      })),
    );
  await deliver({
    title: 'Your song for Siobhan is ready',
    body: 'Hear the three versions of each and choose your favourite.',
    url: '/forms/abc',
    tag: 'form-abc',
  });
  await waitFor(
    async () => (await shown()).length === 1,
    30_000,
    () => 'no notification shown',
  );
  expect(await shown()).toEqual([
    {
      title: 'Your song for Siobhan is ready',
      body: 'Hear the three versions of each and choose your favourite.',
      tag: 'form-abc',
      url: '/forms/abc',
    },
  ]);
  // A message that would open another site is shown as a plain notice that opens the app.
  await deliver({ title: 'Click me', url: 'https://elsewhere.example/', tag: 'x' });
  await waitFor(
    async () => (await shown()).some((n) => n.tag === 'refrain'),
    30_000,
    () => 'the foreign message was not shown as a plain notice',
  );
  expect((await shown()).find((n) => n.tag === 'refrain')).toMatchObject({
    title: 'Refrain',
    url: '/',
  });
  await context.close();
  await sql.end();
});
