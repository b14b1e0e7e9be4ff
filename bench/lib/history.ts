import postgres from 'postgres';
import type { Page } from 'playwright-core';
import { guestWith, type Guest } from '../../tests/helpers/guest.ts';
import { createForm, ops, sync } from '../../tests/helpers/ops.ts';

// No vitest here: benches run outside the test runner (tests/helpers/generation.ts imports it).

/** This page's session once the app has made one (it is made in the background at start). */
async function sessionOf(page: Page, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const session = await page.evaluate(async () => {
      const idb: IDBDatabase = await new Promise((resolve, reject) => {
        const req = indexedDB.open('refrain');
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error);
      });
      try {
        if (!idb.objectStoreNames.contains('kv')) return null;
        return await new Promise<{ token: string; ownerId: string } | null>((resolve, reject) => {
          const get = idb.transaction('kv').objectStore('kv').get('session');
          get.onsuccess = () => resolve(get.result?.value ?? null);
          get.onerror = () => reject(get.error);
        });
      } finally {
        idb.close();
      }
    });
    if (session) return session as { token: string; ownerId: string };
    if (Date.now() > deadline) throw new Error(`the app made no session in ${timeoutMs} ms`);
    await page.waitForTimeout(200);
  }
}

/** One form of one song made, generated, chosen and paid through the demo checkout. */
async function paidOrder(sql: postgres.Sql, guest: Guest): Promise<void> {
  const formId = await createForm(guest, 1);
  const [submitted] = await sync(guest, [ops.submit(formId)]);
  if (submitted?.status !== 'applied') throw new Error(`submit: ${JSON.stringify(submitted)}`);
  const deadline = Date.now() + 120_000;
  let ready: { id: string }[] = [];
  for (;;) {
    ready = await sql<{ id: string }[]>`
      select id from slots where form_id = ${formId} and is_current and status = 'ready'
        and variation_index = 0`;
    const [left] = await sql<{ n: number }[]>`
      select count(*)::int as n from slots where form_id = ${formId} and is_current and status <> 'ready'`;
    if (ready.length === 1 && left!.n === 0) break;
    if (Date.now() > deadline) throw new Error(`form ${formId} was not ready in 120 s`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const [chosen] = await sync(guest, [ops.select(formId, 0, ready[0]!.id, 1)]);
  if (chosen?.status !== 'applied') throw new Error(`selection: ${JSON.stringify(chosen)}`);
  const res = await guest.fetch(`/api/forms/${formId}/checkout`, { method: 'POST', body: '{}' });
  const { url } = (await res.json()) as { url?: string };
  if (!url) throw new Error(`checkout answered ${res.status}`);
  const paid = await fetch(`${url}/pay`, { method: 'POST', redirect: 'manual' });
  if (paid.status !== 303) throw new Error(`the demo checkout's Pay answered ${paid.status}`);
}

/**
 * Makes the device `page` runs on a returning customer's: the app started (its database and
 * session exist, its service worker controls the page), then `orders` songs made and paid by
 * that same owner, listed by Home through live sync before this returns.
 */
export async function seedHistory(
  page: Page,
  baseUrl: string,
  databaseUrl: string,
  orders: number,
): Promise<void> {
  await page.goto(baseUrl);
  // A person's first touch starts the app on a first visit (client/start.ts).
  await page.locator('.shell__tagline').click();
  const guest = guestWith(baseUrl, await sessionOf(page));
  await page.waitForFunction(() => navigator.serviceWorker?.controller != null, undefined, {
    timeout: 60_000,
  });
  const sql = postgres(databaseUrl, { max: 4, onnotice: () => {} });
  try {
    // A few at a time, as a busy customer would not, but the stand-in and the stack take it.
    for (let made = 0; made < orders; made += 5) {
      const batch = Math.min(5, orders - made);
      await Promise.all(Array.from({ length: batch }, () => paidOrder(sql, guest)));
    }
  } finally {
    await sql.end();
  }
  await page.reload();
  await page.waitForFunction(
    (n) => document.querySelectorAll('[data-testid="order"]').length >= n,
    orders,
    { timeout: 120_000 },
  );
}
