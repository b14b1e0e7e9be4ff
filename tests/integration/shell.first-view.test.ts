import { describe, expect, inject, it } from 'vitest';
import { formatMoney } from '../../schema/currency.ts';
import { readSiteInfo } from '../../schema/site-check.ts';

const { baseUrl } = inject('stack');

// The app's page carries Home's first view (for "/") and the installation's facts, prices written
// out for the reader's language, so a first visit paints and reads without waiting for JavaScript
// or a request. These check what the server sends; tests/e2e/home.first-paint.test.ts checks what
// a browser makes of it.

async function page(path: string, language?: string) {
  const res = await fetch(`${baseUrl}${path}`, {
    headers: language ? { 'accept-language': language } : {},
  });
  expect(res.status).toBe(200);
  // React's marks between adjacent pieces of text (the app adopts the page by them) read as nothing.
  return { res, html: (await res.text()).replaceAll('<!-- -->', '') };
}

function siteInfoIn(html: string) {
  const json = /<script type="application\/json" id="site-info">([\s\S]*?)<\/script>/.exec(html);
  expect(json, 'the page carries the site facts').not.toBeNull();
  return readSiteInfo(JSON.parse(json![1]!));
}

async function config(language?: string) {
  const res = await fetch(`${baseUrl}/api/config`, {
    headers: language ? { 'accept-language': language } : {},
  });
  return readSiteInfo(await res.json());
}

describe("the app's page", () => {
  it('for "/" carries Home\'s first view with the prices the server charges, in the reader\'s language', async () => {
    const { res, html } = await page('/', 'en-US,en;q=0.9');
    expect(res.headers.get('vary')).toMatch(/accept-language/i);
    const info = siteInfoIn(html)!;
    expect(info).toEqual(await config('en-US'));
    const [one, , , , five] = info.pricing.bySongCount;
    const shown = info.pricing.shown!;
    expect(shown[0]).toBe(formatMoney(one!, info.pricing.currency, 'en-US'));
    expect(html).toContain('data-testid="how-it-works"');
    expect(html).toContain(`One song ${shown[0]}, 5 songs ${shown[4]}.`);
    expect(shown[4]).toBe(formatMoney(five!, info.pricing.currency, 'en-US'));
    expect(html).not.toContain('{{price:');
  });

  it('writes prices for a French reader the way French readers write them', async () => {
    const { html } = await page('/', 'fr-FR,fr;q=0.9,en;q=0.5');
    const info = siteInfoIn(html)!;
    const expected = formatMoney(info.pricing.bySongCount[0]!, info.pricing.currency, 'fr-FR');
    expect(info.pricing.shown![0]).toBe(expected);
    expect(expected).toMatch(/,00/);
    expect(html).toContain(`One song ${expected},`);
  });

  it('keeps Home off every other path and off the copy the service worker keeps', async () => {
    for (const path of ['/index.html', '/devices', '/forms/00000000-0000-4000-8000-000000000000']) {
      const { html } = await page(path, 'en-US');
      expect(html, path).not.toContain('data-testid="how-it-works"');
      expect(html, path).toContain('<main id="main"></main>');
      // Every copy still knows the installation's facts (a phone offline later keeps them).
      expect(siteInfoIn(html), path).toEqual(await config('en-US'));
    }
  });

  it('paints the samples on "/", each card from the facts the app will read', async () => {
    const { html } = await page('/', 'en-US');
    const info = siteInfoIn(html)!;
    expect(info.samples.length).toBeGreaterThan(0);
    for (const sample of info.samples) {
      expect(html).toContain(`data-sample-id="${sample.id}"`);
      expect(html).toContain(`<h4>${sample.title}</h4>`);
      expect(html).toContain(`src="${sample.audioUrl}"`);
    }
    expect(html.match(/data-testid="sample"/g)).toHaveLength(info.samples.length);
    expect(html).not.toMatch(/\{\{|<!--\/?(home|samples?)-->/);
  });

  it('answers a file of another build with 404 in words, not with the page', async () => {
    for (const file of ['/assets/main-gone.js', '/assets/index-gone.css']) {
      const res = await fetch(`${baseUrl}${file}`);
      expect(res.status, file).toBe(404);
      expect(await res.text()).toMatch(/not part of this version/);
    }
  });

  it('answers a nonsense or missing language with the default one, never an error', async () => {
    for (const language of [undefined, '', '*', 'en_US', '!!!,;q=x', 'x'.repeat(500)]) {
      const { html } = await page('/', language);
      expect(siteInfoIn(html)?.pricing.shown).toHaveLength(5);
    }
  });
});
