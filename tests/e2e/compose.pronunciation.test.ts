import { expect, inject, it } from 'vitest';
import { browserFixture } from '../helpers/fixtures.ts';
import { openApp, PHONE, screenshot } from '../helpers/pages.ts';

const { baseUrl } = inject('stack');
const web = browserFixture();

// An answer from the server: the first loads its pronouncing dictionary, slow on a loaded machine.
const WAIT = { timeout: 20_000 };

// The narrowest phone the app is made for.
const NARROW = { ...PHONE, viewport: { width: 360, height: 780 } };

it('suggests how to say a name the dictionary knows, keeps what the person types, and explains when it cannot', async () => {
  const context = await web.browser.newContext(NARROW);
  const page = await openApp(context, baseUrl);
  await page.getByTestId('new-song').click();
  const recipient = page.locator('#song-0-recipient');
  await recipient.waitFor({ timeout: 30_000 });
  const said = page.locator('#song-0-pronunciation');
  const suggest = page.getByTestId('song-0-pronunciation-suggest');
  const status = page.getByTestId('song-0-pronunciation-status');

  // Labelled, optional, with its example; described by what it is for.
  expect(await page.locator('label[for="song-0-pronunciation"]').textContent()).toBe(
    'How to say the name',
  );
  expect(await said.getAttribute('placeholder')).toBe('e.g. shi-VAWN');
  expect(await said.getAttribute('aria-required')).toBeNull();
  const hint = (await said.getAttribute('aria-describedby'))!.split(' ')[0]!;
  expect(await page.locator(`#${hint}`).textContent()).toMatch(/lyrics you read keep the spelling/);

  // Asked with no name yet: it says what to do.
  await suggest.click();
  await expect.poll(() => status.textContent(), WAIT).toMatch(/Type the name above first/);

  // A name the dictionary knows fills the field; its other way is one tap away.
  await recipient.fill('Siobhan');
  await suggest.click();
  await expect.poll(() => said.inputValue(), WAIT).toBe('SHOW-bahn');
  const other = status.getByRole('button', { name: 'shuh-VAWN' });
  await other.waitFor();
  await page.evaluate(() => document.querySelector('[data-testid="song-0"]')!.scrollIntoView());
  await screenshot(page, 'compose-pronunciation');
  await other.click();
  await expect.poll(() => said.inputValue(), WAIT).toBe('shuh-VAWN');

  // What the person types is theirs: a later Suggest offers, it does not overwrite.
  await said.fill('shi-VAWN');
  await suggest.click();
  await status.getByRole('button', { name: 'SHOW-bahn' }).waitFor();
  expect(await said.inputValue()).toBe('shi-VAWN');

  // A name the dictionary does not know, and no network: a sentence each, the field untouched.
  await recipient.fill('Aoife');
  await suggest.click();
  await expect.poll(() => status.textContent(), WAIT).toMatch(/No suggestion for “Aoife”/);
  await context.setOffline(true);
  await suggest.click();
  await expect.poll(() => status.textContent(), WAIT).toMatch(/You are offline/);
  expect(await said.inputValue()).toBe('shi-VAWN');
  await context.setOffline(false);

  // Every keystroke was kept on this device: a reload shows the respelling.
  await page.reload();
  await said.waitFor({ timeout: 30_000 });
  await expect.poll(() => said.inputValue(), WAIT).toBe('shi-VAWN');
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow).toBe(0);
  await context.close();
});
