import fs from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { expect, inject, it } from 'vitest';
import { browserFixture } from '../helpers/fixtures.ts';
import { fillSong, openApp, PHONE } from '../helpers/pages.ts';

// axe-core over every screen a person passes through, as a phone shows them, including the form
// with its problems listed and the results while they are being made. Any violation of WCAG 2.1
// A or AA that axe can see fails the run, named with the elements it found.

const { baseUrl } = inject('stack');
const web = browserFixture();
const AXE_SOURCE = fs.readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
);

interface Violation {
  id: string;
  help: string;
  nodes: { target: string[] }[];
}

async function violations(page: Page): Promise<string[]> {
  // Evaluated through DevTools, not a <script>: the app's CSP allows no inline script, rightly.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  const found = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (...a: unknown[]) => Promise<unknown> } }).axe;
    const result = (await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    })) as { violations: Violation[]; passes: unknown[] };
    return { violations: result.violations, checked: result.passes.length };
  });
  // A run that checked nothing would pass too: it must have found rules that apply.
  expect(found.checked).toBeGreaterThan(10);
  return found.violations.map(
    (v) => `${v.id} (${v.help}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
  );
}

it('every screen passes axe (WCAG 2.1 A and AA) on a phone', async () => {
  const context = await web.browser.newContext(PHONE);
  const page = await openApp(context, baseUrl);
  const seen: Record<string, string[]> = {};
  await page.getByTestId('price-line').waitFor({ timeout: 30_000 });
  seen.home = await violations(page);

  await page.getByTestId('new-song').click();
  await page.locator('#song-0-recipient').waitFor();
  seen.compose = await violations(page);
  await page.getByTestId('submit').click();
  await page.getByTestId('form-errors').waitFor();
  seen['compose with problems'] = await violations(page);

  await fillSong(page, 0, {
    recipient: 'Rosa',
    relationship: 'my grandmother',
    occasion: 'her 80th birthday',
    story: 'She taught me to bake bread in her kitchen in Valencia.',
  });
  await expect.poll(() => page.getByTestId('form-errors').count()).toBe(0);
  await page.getByTestId('submit').click();
  await page.waitForURL(/\/forms\//);
  await page.locator('[data-testid="variation"]').first().waitFor({ timeout: 60_000 });
  seen.results = await violations(page);

  await page.goto(`${baseUrl}/devices`);
  await page.getByTestId('make-link').click();
  await page.getByTestId('resume-link').waitFor({ timeout: 30_000 });
  seen.devices = await violations(page);

  await page.goto(`${baseUrl}/no-such-page`);
  await page.getByRole('heading').first().waitFor();
  seen.missing = await violations(page);

  expect(seen).toEqual({
    home: [],
    compose: [],
    'compose with problems': [],
    results: [],
    devices: [],
    missing: [],
  });
  await context.close();
});
