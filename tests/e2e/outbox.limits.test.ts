import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import type { OutboxOp } from '../../client/data/db.ts';
import type { TypedOp } from '../../schema/ops.ts';
import { browserFixture, musicGptFixture } from '../helpers/fixtures.ts';
import { forwardedAddress } from '../helpers/limits.ts';
import { allFieldTimes, draftOf } from '../helpers/ops.ts';
import { openApp, PHONE, screenshot, sessionOf, waitOutboxEmpty } from '../helpers/pages.ts';

// A tiny forms window (1 per 3 s) so a limited op's wait passes within the test, and one new
// guest per address per 10 minutes. Each browser context is "another network": it comes through
// a trusted proxy with an X-Forwarded-For of its own.
const fx = musicGptFixture({
  RATE_FORMS_PER_OWNER: '1/3s',
  RATE_SESSIONS_PER_IP: '1/10m',
  TRUST_PROXY_HOPS: '1',
});
const web = browserFixture();
const { sql } = fx;

const network = () => ({ ...PHONE, extraHTTPHeaders: { 'x-forwarded-for': forwardedAddress() } });

/** Puts ops straight into this page's outbox, as the compose screen would queue them. */
async function queue(page: Page, ops: OutboxOp[]) {
  await page.evaluate(async (ops) => {
    const req = indexedDB.open('refrain');
    const idb: IDBDatabase = await new Promise((r) => (req.onsuccess = () => r(req.result)));
    await new Promise<void>((resolve, reject) => {
      const tx = idb.transaction('outbox', 'readwrite');
      for (const op of ops) tx.objectStore('outbox').add(op);
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
    });
    idb.close();
  }, ops);
}

const slotsOf = async (formId: string) =>
  (await sql`select id from slots where form_id = ${formId}`).length;

const outboxOps = (page: Page) =>
  page.evaluate(async () => {
    const req = indexedDB.open('refrain');
    const idb: IDBDatabase = await new Promise((r) => (req.onsuccess = () => r(req.result)));
    const all = await new Promise<OutboxOp[]>((resolve) => {
      const get = idb.transaction('outbox').objectStore('outbox').getAll();
      get.onsuccess = () => resolve(get.result);
    });
    idb.close();
    return all;
  });

it('a 429 keeps the limited op and settles the rest; the op waits the time the server named, then applies; the person sees why', async () => {
  const context = await web.browser.newContext(network());
  const page = await openApp(context, fx.server.baseUrl);
  await waitOutboxEmpty(page);

  const answers: { at: number; status: number; retryAfterMs?: number }[] = [];
  const sent: number[] = [];
  page.on('request', (r) => r.url().endsWith('/api/sync') && sent.push(Date.now()));
  page.on('response', async (r) => {
    if (!r.url().endsWith('/api/sync')) return;
    const at = Date.now();
    const body = await r.json().catch(() => ({}));
    answers.push({ at, status: r.status(), retryAfterMs: body.retryAfterMs });
  });

  const [first, second, third] = [randomUUID(), randomUUID(), randomUUID()];
  const t = Date.now();
  const op = (i: number, formId: string, typed: TypedOp): OutboxOp => ({
    id: randomUUID(),
    ...typed,
    formId,
    createdAt: t + i,
    attempts: 0,
  });
  const draft = (formId: string) => ({
    formId,
    draft: draftOf(1),
    fieldTimes: allFieldTimes(draftOf(1)),
  });
  const limitedSubmit = op(3, second, { type: 'form.submit', args: { formId: second } });
  await queue(page, [
    op(0, first, { type: 'draft.put', args: draft(first) }),
    op(1, first, { type: 'form.submit', args: { formId: first } }),
    op(2, second, { type: 'draft.put', args: draft(second) }),
    limitedSubmit,
    op(4, third, { type: 'draft.put', args: draft(third) }),
  ]);
  await page.evaluate(() => window.dispatchEvent(new Event('online')));

  // One batch: the first form starts, the second one's submit is limited, every other op lands.
  await expect.poll(() => answers.length, { timeout: 30_000 }).toBeGreaterThan(0);
  const limited = answers[0]!;
  expect(limited.status).toBe(429);
  expect(limited.retryAfterMs).toBeGreaterThan(0);
  await expect
    .poll(async () => (await outboxOps(page)).map((o) => o.id))
    .toEqual([limitedSubmit.id]);
  const [held] = await outboxOps(page);
  // From when the batch was sent: the browser had the answer after that, and the test may hear
  // of the answer itself much later on a busy machine.
  expect(held!.heldUntil).toBeGreaterThanOrEqual(sent[0]! + limited.retryAfterMs! - 1_000);
  const note = page.getByTestId('sync-limit');
  await note.waitFor({ timeout: 10_000 });
  expect(await note.textContent()).toMatch(
    /^You've sent a lot of song requests in the last 3 seconds\. You can send more in \d seconds?\.$/,
  );
  expect(await page.getByTestId('sync-badge').textContent()).toBe('1 change waiting');
  await screenshot(page, 'limited');

  const forms = await sql<{ id: string; slots: number }[]>`
    select f.id, (select count(*)::int from slots s where s.form_id = f.id) as slots
    from forms f where f.id in (${first}, ${second}, ${third})`;
  expect(Object.fromEntries(forms.map((f) => [f.id, f.slots]))).toEqual({
    [first]: 3,
    [second]: 0,
    [third]: 0,
  });

  // After the window the held submit goes again, and only then.
  await waitOutboxEmpty(page, 60_000);
  await expect.poll(() => slotsOf(second), { timeout: 30_000 }).toBe(3);
  const next = sent.find((at) => at > limited.at);
  expect(next).toBeDefined();
  expect(next! - limited.at).toBeGreaterThanOrEqual(limited.retryAfterMs! - 50);
  await expect.poll(() => note.count()).toBe(0);
  await context.close();
});

it('a device refused a new guest shows the sentence the server sent', async () => {
  const options = network();
  const firstDevice = await web.browser.newContext(options);
  await sessionOf(await openApp(firstDevice, fx.server.baseUrl));

  // The same network, a second new visitor within the window: refused, and told why.
  const secondDevice = await web.browser.newContext(options);
  const page = await openApp(secondDevice, fx.server.baseUrl);
  const note = page.getByTestId('sync-limit');
  await note.waitFor({ timeout: 20_000 });
  expect(await note.textContent()).toMatch(
    /^Too many new visitors from your network right now; try again in about (9|10) minutes\.$/,
  );
  await Promise.all([firstDevice.close(), secondDevice.close()]);
});
