import { randomUUID } from 'node:crypto';
import type { BrowserContext, Page } from 'playwright-core';
import { expect, it } from 'vitest';
import type { LocalDraft, OutboxOp, RejectedOp } from '../../client/data/db.ts';
import { MAX_TRIES } from '../../client/data/outbox-plan.ts';
import type { OpResult, SyncOp } from '../../schema/ops.ts';
import { browserFixture, musicGptFixture } from '../helpers/fixtures.ts';
import { allFieldTimes, draftOf } from '../helpers/ops.ts';
import {
  fillSong,
  openApp,
  PHONE,
  readStore,
  screenshot,
  waitOutboxEmpty,
} from '../helpers/pages.ts';

const fx = musicGptFixture();
const web = browserFixture();
const { sql } = fx;

// Set aside after MAX_TRIES tries with backoff between them: about half a minute per op.
const SET_ASIDE_MS = 120_000;

const formIdOf = (page: Page) => page.url().split('/').pop()!;
const badge = (page: Page) => page.getByTestId('sync-badge');
const setAsideItem = (page: Page) =>
  page.locator('[data-testid="unsent-change"][data-state="set-aside"]');
const serverStory = async (formId: string) =>
  (await sql`select draft->'songs'->0->>'story' as story from forms where id = ${formId}`)[0]
    ?.story as string | undefined;
const ledgerRows = async (opId: string) =>
  (await sql`select count(*)::int as n from sync_ops where id = ${opId}`)[0]!.n as number;

type Answered = { id: string; status: OpResult['status']; error?: string };

/**
 * Routes /api/sync for the whole context (the page and its service worker): a request carrying
 * a poisoned op is answered 500, as the server's own onError answers; every other request goes
 * to the real server, and its answers are recorded. An op becomes poisoned when its args match
 * `match` while poisoning is on.
 */
async function syncRoute(context: BrowserContext, match: (op: SyncOp) => boolean) {
  const state = {
    poisoning: true,
    poisoned: [] as string[],
    /** Requests carrying each poisoned op. */
    sent: new Map<string, number>(),
    answers: [] as Answered[],
  };
  await context.route('**/api/sync', async (route) => {
    const ops = (JSON.parse(route.request().postData() ?? '{}').ops ?? []) as SyncOp[];
    if (state.poisoning)
      for (const op of ops)
        if (match(op) && !state.poisoned.includes(op.id)) state.poisoned.push(op.id);
    const bad = ops.filter((op) => state.poisoned.includes(op.id));
    if (state.poisoning && bad.length) {
      for (const op of bad) state.sent.set(op.id, (state.sent.get(op.id) ?? 0) + 1);
      await route.fulfill({
        status: 500,
        contentType: 'application/json',
        body: JSON.stringify({ error: 'internal error', requestId: 'test' }),
      });
      return;
    }
    const response = await route.fetch();
    const body = await response.json().catch(() => ({}));
    if (Array.isArray(body.results)) state.answers.push(...(body.results as Answered[]));
    await route.fulfill({ response });
  });
  return state;
}

const storyMentions = (word: string) => (op: SyncOp) =>
  op.type === 'draft.put' && JSON.stringify((op.args as { draft: unknown }).draft).includes(word);

it('a NUL or a lone surrogate pasted or typed into a field never wedges the outbox: the change syncs without it', async () => {
  const context = await web.browser.newContext(PHONE);
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const page = await openApp(context, fx.server.baseUrl);
  await waitOutboxEmpty(page);
  await page.getByTestId('new-song').click();
  await fillSong(page, 0, { story: 'We met in Lisbon', recipient: 'An', occasion: 'birth' });
  const formId = formIdOf(page);

  // A paste (the system clipboard keeps the NUL) at the end of the story.
  const story = page.locator('#song-0-story');
  await page.evaluate(() => navigator.clipboard.writeText(' \u0000🎉 in 2009,\nsí'));
  await story.focus();
  await story.press('End');
  await story.press('ControlOrMeta+V');
  // Text inserted the way a keyboard or an IME does (an input event), with lone surrogates.
  await page.locator('#song-0-recipient').focus();
  await page.evaluate(() => document.execCommand('insertText', false, 'a\uD83D'));
  await page.locator('#song-0-occasion').focus();
  await page.evaluate(() => document.execCommand('insertText', false, '\uDE00day\u0000 עם'));

  const want = {
    story: 'We met in Lisbon 🎉 in 2009,\nsí',
    recipient: 'Ana',
    occasion: 'birthday עם',
  };
  // Edits reach the outbox after the form's save delay: on a loaded machine the outbox can look
  // empty before the last one is queued, so wait for the server's row itself.
  await expect
    .poll(
      async () => {
        const [row] = await sql`select draft->'songs'->0 as song from forms where id = ${formId}`;
        const song = (row?.song ?? {}) as Record<string, unknown>;
        return { story: song.story, recipient: song.recipient, occasion: song.occasion };
      },
      { timeout: 60_000 },
    )
    .toEqual(want);
  await waitOutboxEmpty(page, 60_000);
  await expect.poll(() => badge(page).textContent()).toBe('Online · all synced');
  const [local] = (await readStore<LocalDraft>(page, 'drafts')).filter((d) => d.formId === formId);
  expect(local!.draft.songs[0]).toMatchObject(want);
  expect(await story.inputValue()).toBe(want.story);
  expect(await page.locator('#song-0-recipient').inputValue()).toBe('Ana');
  expect(await page.getByTestId('unsent').count()).toBe(0);
  await context.close();
});

it(`an op the server keeps answering 500 for is set aside after ${MAX_TRIES} tries with its reason while other changes go on; Try again applies it once`, async () => {
  const context = await web.browser.newContext(PHONE);
  const page = await openApp(context, fx.server.baseUrl);
  await waitOutboxEmpty(page);
  await page.getByTestId('new-song').click();
  await fillSong(page, 0, { recipient: 'Ana' });
  await waitOutboxEmpty(page);
  const formA = formIdOf(page);

  const route = await syncRoute(context, storyMentions('Lisbon'));
  const story = 'We met at a bus stop in Lisbon.';
  await fillSong(page, 0, { story });
  await expect.poll(() => route.poisoned.length, { timeout: 30_000 }).toBe(1);
  const poisoned = route.poisoned[0]!;

  // Another song's change is sent while the failing op waits for its next tries.
  await page.getByRole('link', { name: 'My songs' }).click();
  await page.getByTestId('new-song').click();
  await fillSong(page, 0, { recipient: 'Bo' });
  const formB = formIdOf(page);
  await expect
    .poll(
      async () =>
        (await sql`select draft->'songs'->0->>'recipient' as r from forms where id = ${formB}`)[0]
          ?.r,
      { timeout: 30_000 },
    )
    .toBe('Bo');
  expect((await readStore<OutboxOp>(page, 'outbox')).map((o) => o.id)).toContain(poisoned);

  await page.goto(`${fx.server.baseUrl}/compose/${formA}`);
  const item = setAsideItem(page);
  await item.waitFor({ timeout: SET_ASIDE_MS });
  expect(await item.locator('.unsent__what').textContent()).toBe(
    'Not sent: your changes to the draft for Ana.',
  );
  expect(await item.getByTestId('unsent-reason').textContent()).toBe(
    'The server could not save this change (error 500).',
  );
  const [aside] = (await readStore<OutboxOp>(page, 'outbox')).filter((o) => o.id === poisoned);
  expect(aside).toMatchObject({ attempts: MAX_TRIES });
  expect(route.sent.get(poisoned)).toBeGreaterThanOrEqual(MAX_TRIES);
  expect(route.sent.get(poisoned)).toBeLessThanOrEqual(MAX_TRIES + 1);
  await expect.poll(() => badge(page).getAttribute('data-waiting')).toBe('0');
  expect(await badge(page).getAttribute('data-set-aside')).toBe('1');
  expect(await badge(page).textContent()).toBe('Online · 1 change not sent');
  expect(await serverStory(formA)).toBe('');
  await page.evaluate(() => window.scrollTo(0, 0));
  await screenshot(page, 'outbox-set-aside');

  // The server recovers; the person tries again: the op is applied, once.
  route.poisoning = false;
  await item.getByRole('button', { name: 'Try again' }).click();
  await item.waitFor({ state: 'detached', timeout: 30_000 });
  await waitOutboxEmpty(page);
  await expect.poll(() => badge(page).textContent()).toBe('Online · all synced');
  expect(await serverStory(formA)).toBe(story);
  expect(route.answers.filter((a) => a.id === poisoned)).toEqual([
    { id: poisoned, status: 'applied', result: expect.anything() },
  ]);
  expect(await ledgerRows(poisoned)).toBe(1);
  await context.close();
}, 240_000);

it('with no page open, the service worker’s Background Sync follows the same rule: a failing op holds back no other', async () => {
  const context = await web.browser.newContext(PHONE);
  const page = await openApp(context, fx.server.baseUrl);
  await waitOutboxEmpty(page);
  const [failing, good] = [randomUUID(), randomUUID()];
  const route = await syncRoute(
    context,
    (op) => (op.args as { formId?: string }).formId === failing,
  );
  const fromWorker: string[] = [];
  context.on('request', (r) => {
    if (r.url().endsWith('/api/sync') && r.serviceWorker()) fromWorker.push(r.postData() ?? '');
  });

  // Queued from a page of the same origin where the app does not run (so nothing drains from a
  // page), straight into IndexedDB; only the worker's sync sends them.
  await page.goto(`${fx.server.baseUrl}/api/health`);
  const put = (formId: string, i: number): OutboxOp => ({
    id: randomUUID(),
    type: 'draft.put',
    args: { formId, draft: draftOf(1), fieldTimes: allFieldTimes(draftOf(1)) },
    formId,
    createdAt: Date.now() + i,
    attempts: 0,
  });
  const ops = [put(failing, 0), put(good, 1)];
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
    const registration = (await navigator.serviceWorker.ready) as ServiceWorkerRegistration & {
      sync: { register(tag: string): Promise<void> };
    };
    await registration.sync.register('refrain-outbox');
  }, ops);
  await page.close();

  await expect
    .poll(async () => (await sql`select 1 from forms where id = ${good}`).length, {
      timeout: 60_000,
    })
    .toBe(1);
  expect(fromWorker.some((body) => body.includes(ops[1]!.id))).toBe(true);
  expect(route.sent.get(ops[0]!.id)).toBeGreaterThanOrEqual(1);
  expect(await sql`select 1 from forms where id = ${failing}`).toHaveLength(0);
  await context.close();
});

it('discarding a set-aside change keeps its text in the draft and on screen; a later edit of the field supersedes one', async () => {
  const context = await web.browser.newContext(PHONE);
  const page = await openApp(context, fx.server.baseUrl);
  await waitOutboxEmpty(page);
  await page.getByTestId('new-song').click();
  await fillSong(page, 0, { recipient: 'Cy' });
  await waitOutboxEmpty(page);
  const formId = formIdOf(page);
  const route = await syncRoute(
    context,
    (op) => storyMentions('Porto')(op) || storyMentions('Faro')(op),
  );
  const localStory = async () =>
    (await readStore<LocalDraft>(page, 'drafts')).find((d) => d.formId === formId)!.draft.songs[0]!
      .story;

  const typed = 'He taught me to ride a bike in Porto.';
  await fillSong(page, 0, { story: typed });
  const item = setAsideItem(page);
  await item.waitFor({ timeout: SET_ASIDE_MS });
  const discarded = route.poisoned[0]!;
  await item.getByRole('button', { name: 'Discard' }).click();
  await item.waitFor({ state: 'detached' });
  expect((await readStore<OutboxOp>(page, 'outbox')).map((o) => o.id)).not.toContain(discarded);
  expect(await badge(page).getAttribute('data-set-aside')).toBe('0');
  expect(await localStory()).toBe(typed);
  expect(await page.locator('#song-0-story').inputValue()).toBe(typed);
  await page.reload();
  await expect.poll(() => page.locator('#song-0-story').inputValue()).toBe(typed);
  expect(await ledgerRows(discarded)).toBe(0);

  // Set aside again; then the same field is edited: the new change carries the whole draft
  // and, once applied, replaces the set-aside one.
  await fillSong(page, 0, { story: 'We drove to Faro every summer.' });
  await setAsideItem(page).waitFor({ timeout: SET_ASIDE_MS });
  const superseded = route.poisoned[1]!;
  await fillSong(page, 0, { story: 'We drove to Braga every summer.' });
  await setAsideItem(page).waitFor({ state: 'detached', timeout: 30_000 });
  await waitOutboxEmpty(page);
  await expect.poll(() => badge(page).textContent()).toBe('Online · all synced');
  expect((await readStore<OutboxOp>(page, 'outbox')).map((o) => o.id)).not.toContain(superseded);
  expect(await serverStory(formId)).toBe('We drove to Braga every summer.');
  await context.close();
}, 240_000);

it('a change the server refuses shows the server’s reason next to it, leaves the outbox, and keeps the text', async () => {
  const context = await web.browser.newContext(PHONE);
  const page = await openApp(context, fx.server.baseUrl);
  await waitOutboxEmpty(page);
  await page.getByTestId('new-song').click();
  await fillSong(page, 0, { recipient: 'Dee' });
  await waitOutboxEmpty(page);
  const route = await syncRoute(context, () => false);

  // Longer than the server takes for a style (80 characters).
  const genre =
    'acoustic pop with a little bossa nova, some strings, and a gospel choir at the very end';
  expect(genre.length).toBeGreaterThan(80);
  await fillSong(page, 0, { genre });
  const item = page.locator('[data-testid="unsent-change"][data-state="rejected"]');
  await item.waitFor({ timeout: 30_000 });
  const refusal = route.answers.find((a) => a.status === 'rejected');
  expect(refusal?.error).toBeTruthy();
  expect(await item.locator('.unsent__what').textContent()).toBe(
    'Not saved: your changes to the draft for Dee.',
  );
  expect(await item.getByTestId('unsent-reason').textContent()).toBe(refusal!.error);
  await waitOutboxEmpty(page);
  await expect.poll(() => badge(page).textContent()).toBe('Online · all synced');
  expect(await readStore<OutboxOp>(page, 'outbox')).toEqual([]);
  expect(await page.locator('#song-0-genre').inputValue()).toBe(genre);
  await page.evaluate(() => window.scrollTo(0, 0));
  await screenshot(page, 'outbox-rejected');

  // The same notice is on every screen, under the sync badge.
  await page.getByRole('link', { name: 'My songs' }).click();
  await page.getByTestId('form-list').waitFor();
  expect(await item.getByTestId('unsent-reason').textContent()).toBe(refusal!.error);
  await screenshot(page, 'outbox-rejected-home');

  await item.getByRole('button', { name: 'OK' }).click();
  await item.waitFor({ state: 'detached' });
  const kept = (await readStore<RejectedOp>(page, 'rejected')).find((r) => r.id === refusal!.id);
  expect(kept?.dismissedAt).toBeDefined();
  await context.close();
});
