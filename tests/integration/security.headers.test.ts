import { createHash } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import { makeGuest } from '../helpers/api.ts';
import { musicGptFixture } from '../helpers/fixtures.ts';
import { readyForm } from '../helpers/generation.ts';

const { baseUrl } = inject('stack');
// The demo page needs a form with ready songs: made quickly on the MusicGPT stand-in.
const fx = musicGptFixture();

/** The directives of a Content-Security-Policy header, by name. */
function directives(header: string | null): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const part of (header ?? '').split(';')) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name) map.set(name, values);
  }
  return map;
}

function expectCommonHeaders(res: Response) {
  expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  expect(res.headers.get('referrer-policy')).toBe('no-referrer');
  expect(res.headers.get('permissions-policy')).toMatch(/camera=\(\).*microphone=\(\)/);
  expect(res.headers.get('x-frame-options')).toBe('DENY');
  const csp = directives(res.headers.get('content-security-policy'));
  expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
  return csp;
}

function expectPagePolicy(res: Response) {
  const csp = expectCommonHeaders(res);
  // No inline or evaluated script anywhere, and connections only to this origin.
  expect(csp.get('script-src')).toEqual(["'self'"]);
  expect(csp.get('connect-src')).toEqual(["'self'"]);
  expect(csp.get('object-src')).toEqual(["'none'"]);
  expect(csp.get('base-uri')).toEqual(["'none'"]);
  for (const values of csp.values()) {
    expect(values).not.toContain("'unsafe-inline'");
    expect(values).not.toContain("'unsafe-eval'");
  }
  return csp;
}

describe('every answer carries the security headers', () => {
  it('the app shell, a deep link and the service worker', async () => {
    for (const p of ['/', '/forms/00000000-0000-4000-8000-000000000000', '/devices']) {
      const res = await fetch(`${baseUrl}${p}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expectPagePolicy(res);
      const html = await res.text();
      // The policy holds only if the page needs no inline script: none is there, only the JSON
      // data block of the site's facts, which a browser never runs.
      expect(html).not.toMatch(/<script(?![^>]*\b(?:src=|type="application\/json"))[^>]*>/i);
      // Its one inline style (the stylesheet, inlined by the build) is allowed by its hash alone.
      const styles = [...html.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((m) => m[1]!);
      expect(styles).toHaveLength(1);
      const hash = `'sha256-${createHash('sha256').update(styles[0]!, 'utf8').digest('base64')}'`;
      expect(directives(res.headers.get('content-security-policy')).get('style-src')).toEqual([
        "'self'",
        hash,
      ]);
    }
    const sw = await fetch(`${baseUrl}/sw.js`);
    expect(sw.status).toBe(200);
    // A worker runs under the policy its script came with: the page's, not the closed API one.
    expectPagePolicy(sw);
  });

  it('API answers: success, errors, 401 and 404, and webhooks', async () => {
    const guest = await makeGuest();
    const answers = [
      await fetch(`${baseUrl}/api/health`),
      await fetch(`${baseUrl}/api/config`),
      await guest.fetch('/api/forms/00000000-0000-4000-8000-000000000000'),
      await fetch(`${baseUrl}/api/sync`, { method: 'POST', body: '{}' }),
      await fetch(`${baseUrl}/api/nothing-here`),
      await fetch(`${baseUrl}/api/webhooks/stripe`, { method: 'POST', body: 'x' }),
    ];
    expect(answers.map((r) => r.status)).toEqual([200, 200, 404, 401, 404, 400]);
    for (const res of answers) {
      const csp = expectCommonHeaders(res);
      expect(csp.get('default-src')).toEqual(["'none'"]);
    }
  });

  it('the demo checkout page allows its own inline style by hash and nothing else', async () => {
    const guest = await makeGuest(fx.server.baseUrl);
    const formId = await readyForm(fx.sql, guest, 1);
    const res = await guest.fetch(`/api/forms/${formId}/checkout`, {
      method: 'POST',
      body: '{}',
    });
    const { url } = (await res.json()) as { url: string };
    const page = await fetch(url);
    expect(page.status).toBe(200);
    const csp = expectPagePolicy(page);
    const html = await page.text();
    const styles = [...html.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((m) => m[1]!);
    expect(styles.length).toBeGreaterThan(0);
    const hashes = styles.map(
      (css) => `'sha256-${createHash('sha256').update(css, 'utf8').digest('base64')}'`,
    );
    expect(csp.get('style-src')).toEqual(["'self'", ...new Set(hashes)]);
    // An unknown session gets the kind 404 page, with the same policy.
    const missing = await fetch(`${fx.server.baseUrl}/demo-checkout/cs_demo_${'0'.repeat(32)}`);
    expect(missing.status).toBe(404);
    expectPagePolicy(missing);
  });
});
