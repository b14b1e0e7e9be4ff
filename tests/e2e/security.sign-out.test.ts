import type { BrowserContext } from 'playwright-core';
import { afterAll, expect, inject, it } from 'vitest';
import { browserFixture } from '../helpers/fixtures.ts';
import { testSql } from '../helpers/generation.ts';
import { guestWith } from '../helpers/guest.ts';
import { createForm } from '../helpers/ops.ts';
import { openApp, PHONE, screenshot, sessionOf } from '../helpers/pages.ts';

const { baseUrl } = inject('stack');
const web = browserFixture();
const sql = testSql();
afterAll(() => sql.end());

/** Records every Content-Security-Policy violation a page of this context reports. */
async function watchPolicy(context: BrowserContext): Promise<string[]> {
  const seen: string[] = [];
  await context.exposeFunction('__reportViolation', (text: string) => seen.push(text));
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) =>
      (window as unknown as { __reportViolation(t: string): void }).__reportViolation(
        `${e.violatedDirective} ${e.blockedURI}`,
      ),
    );
  });
  context.on('console', (msg) => {
    if (/Content Security Policy/i.test(msg.text())) seen.push(msg.text());
  });
  return seen;
}

it('"sign out everywhere" on the phone signs the other device out; its typing is kept and it is told how to continue; no page breaks the policy', async () => {
  const phoneCtx = await web.browser.newContext(PHONE);
  const otherCtx = await web.browser.newContext(PHONE);
  const seen = [await watchPolicy(phoneCtx), await watchPolicy(otherCtx)];

  const phone = await openApp(phoneCtx, baseUrl);
  // The form is made through the API as the phone's own guest: this test is about signing out.
  const formId = await createForm(guestWith(baseUrl, await sessionOf(phone)), 1);
  await phone.locator(`[data-form-id="${formId}"]`).waitFor({ timeout: 30_000 });
  const story = async () =>
    (await sql`select draft->'songs'->0->>'story' as s from forms where id = ${formId}`)[0]!.s;
  const firstStory = await story();

  await phone.goto(`${baseUrl}/devices`);
  await phone.getByTestId('make-link').click();
  const link = await phone.getByTestId('resume-link').locator('a').getAttribute('href');
  const other = await openApp(otherCtx, baseUrl, new URL(link!).pathname + new URL(link!).hash);
  await other.waitForURL(`${baseUrl}/`);
  await other.locator(`[data-form-id="${formId}"]`).waitFor({ timeout: 30_000 });
  const before = await sessionOf(phone);
  expect((await sessionOf(other)).ownerId).toBe(before.ownerId);

  await phone.getByTestId('sign-out-everywhere').click();
  await phone.getByTestId('sign-out-confirm').waitFor();
  // Offline, nothing changes and the phone says so; the same button works once it is back.
  await phoneCtx.setOffline(true);
  await phone.getByRole('button', { name: 'Yes, sign them out' }).click();
  await expect
    .poll(() => phone.getByTestId('sign-out-confirm').getByRole('alert').textContent())
    .toMatch(/Nothing was changed: you are offline; try again when you are back online\./);
  await screenshot(phone, 'devices-sign-out-offline');
  expect((await sessionOf(phone)).token).toBe(before.token);
  await phoneCtx.setOffline(false);
  await phone.getByRole('button', { name: 'Yes, sign them out' }).click();
  await phone.getByTestId('signed-out-others').waitFor({ timeout: 20_000 });
  await screenshot(phone, 'devices-sign-out');
  await expect.poll(async () => (await sessionOf(phone)).token).not.toBe(before.token);
  expect((await sessionOf(phone)).ownerId).toBe(before.ownerId);

  // The phone keeps working under its new token.
  await phone.goto(`${baseUrl}/compose/${formId}`);
  await expect.poll(() => phone.locator('#song-0-story').inputValue()).toBe(firstStory);
  await phone.locator('#song-0-story').fill('Second story, from the phone.');
  await expect.poll(story, { timeout: 30_000 }).toBe('Second story, from the phone.');

  // The other device types, is refused, keeps the change, and is told what happened.
  await other.goto(`${baseUrl}/compose/${formId}`);
  await expect.poll(() => other.locator('#song-0-story').inputValue()).not.toBe('');
  const refused = other.waitForResponse(
    (r) => r.url().endsWith('/api/sync') && r.status() === 401,
    { timeout: 30_000 },
  );
  await other.locator('#song-0-mood').fill('nostalgic');
  await refused;
  await other.getByTestId('signed-out').waitFor({ timeout: 30_000 });
  const waiting = () => other.getByTestId('sync-badge').getAttribute('data-waiting');
  await expect.poll(waiting, { timeout: 10_000 }).toBe('1');
  expect(await other.locator('#song-0-mood').inputValue()).toBe('nostalgic');
  expect(
    (await sql`select draft->'songs'->0->>'mood' as m from forms where id = ${formId}`)[0]!.m,
  ).not.toBe('nostalgic');
  await other.evaluate(() => window.scrollTo(0, 0));
  await screenshot(other, 'signed-out');

  // A fresh load of the other device shows the same notice before it sends anything.
  await other.reload();
  await other.getByTestId('signed-out').waitFor({ timeout: 30_000 });
  await expect.poll(waiting, { timeout: 10_000 }).toBe('1');
  expect(seen.flat()).toEqual([]);
  await phoneCtx.close();
  await otherCtx.close();
});
