import { expect, it } from 'vitest';
import { browserFixture, musicGptFixture } from '../helpers/fixtures.ts';
import { waitForSlots } from '../helpers/generation.ts';
import { fillSong, openApp, PHONE, screenshot } from '../helpers/pages.ts';
import { waitFor } from '../helpers/stack.ts';

const fx = musicGptFixture();
const web = browserFixture();
const { sql } = fx;

it('changes a version’s words and direction from its card, and the version is made again from them', async () => {
  const context = await web.browser.newContext(PHONE);
  const page = await openApp(context, fx.server.baseUrl);
  await page.getByTestId('new-song').click();
  await fillSong(page, 0, {
    recipient: 'Ana',
    relationship: 'my wife',
    occasion: 'our anniversary',
    story: 'We met at a bus stop in Lisbon in 2009.',
  });
  const formId = page.url().split('/').pop()!;
  await page.getByTestId('submit').click();
  await waitForSlots(sql, formId, 3, 'ready', 120_000);
  const card = page.locator('[data-testid="variation"]').first();
  await expect.poll(() => card.getAttribute('data-status'), { timeout: 60_000 }).toBe('ready');

  const revise = card.getByTestId('revise');
  await revise.locator('summary').click();
  const words = revise.locator('textarea');
  const written = await words.inputValue();
  expect(written).toContain('Ana');
  // Nothing changed: nothing is sent, and the card says what to do.
  await revise.getByTestId('revise-send').click();
  expect(await revise.getByRole('alert').textContent()).toMatch(/Change some words/);

  const mine = `${written}\n\n[Outro]\nStill at that bus stop, still yours`;
  await words.fill(mine);
  await revise.locator('input').fill('slower, with piano');
  // Editing takes the stale problem away.
  expect(await revise.getByRole('alert').count()).toBe(0);
  await revise.scrollIntoViewIfNeeded();
  await screenshot(page, 'variations-revise');
  await revise.getByTestId('revise-send').click();

  await waitFor(
    async () => {
      const [slot] = await sql<{ attempt: number; lyrics: string; music_prompt: string }[]>`
        select attempt, lyrics, music_prompt from slots
        where form_id = ${formId} and variation_index = 0 and is_current`;
      return slot?.attempt === 2 && slot.lyrics === mine && slot.music_prompt.startsWith('slower');
    },
    60_000,
    () => 'the version was not made again from the edited words',
  );
  // The card follows the new attempt until it is ready again.
  await expect.poll(() => card.getAttribute('data-status'), { timeout: 60_000 }).toBe('ready');
  await context.close();
});
