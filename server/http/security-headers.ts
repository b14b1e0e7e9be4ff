import { createHash } from 'node:crypto';
import { createMiddleware } from 'hono/factory';
import type { Config } from '../config.ts';
import type { AppEnv } from './env.ts';

/** The part of the configuration the page's headers depend on. */
type SiteConfig = Pick<Config, 'publicUrl' | 'zeroPublicUrl'>;

/** `'sha256-…'` of an inline `<style>` body, for a page that must carry one (CSP Level 2). */
export function styleHash(css: string): string {
  return `'sha256-${createHash('sha256').update(css, 'utf8').digest('base64')}'`;
}

/** Origins (http and ws forms) a browser may open connections to besides the app's own. */
function extraConnectSources(config: SiteConfig): string[] {
  if (!config.zeroPublicUrl) return [];
  const url = new URL(config.zeroPublicUrl);
  const ws = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return [url.origin, `${ws}//${url.host}`];
}

/**
 * The policy of every HTML page: scripts, styles and connections from this origin only (an
 * injected script or a stolen token has nowhere to go), no framing (clickjacking on Pay), no
 * plugins, no <base> rewriting. 'self' covers ws:/wss: to the same host in CSP Level 3, which is
 * how Zero's socket reaches the app through PORT. Inline styles are allowed only by hash.
 */
export function pageCsp(config: SiteConfig, styleHashes: string[] = []): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    `style-src 'self'${styleHashes.map((h) => ` ${h}`).join('')}`,
    "img-src 'self' data: blob:",
    "media-src 'self' blob:",
    "font-src 'self'",
    `connect-src 'self'${extraConnectSources(config)
      .map((s) => ` ${s}`)
      .join('')}`,
    "worker-src 'self'",
    "manifest-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

// API answers are data, never documents: nothing in them may run or be framed.
const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";

const PERMISSIONS_POLICY = [
  'camera=()',
  'microphone=()',
  'geolocation=()',
  'payment=()',
  'usb=()',
  'serial=()',
  'bluetooth=()',
  'interest-cohort=()',
].join(', ');

/**
 * Headers every answer carries, pages and API alike. Set after the handler ran, so error pages,
 * 404s and static files get them too; a route that needs an inline style names its hash through
 * `c.set('styleHashes', …)`.
 */
export function securityHeaders(config: SiteConfig) {
  const https = config.publicUrl.startsWith('https://');
  // Built once: only a page that names inline style hashes needs a policy of its own.
  const pagePolicy = pageCsp(config);
  return createMiddleware<AppEnv>(async (c, next) => {
    await next();
    // A worker script runs under the policy it was served with, so the service worker and every
    // app file get the page's policy; only API answers get the closed one.
    const styleHashes = c.get('styleHashes');
    c.header(
      'content-security-policy',
      c.req.path.startsWith('/api/')
        ? API_CSP
        : styleHashes
          ? pageCsp(config, styleHashes)
          : pagePolicy,
    );
    c.header('x-content-type-options', 'nosniff');
    c.header('x-frame-options', 'DENY');
    c.header('referrer-policy', 'no-referrer');
    c.header('permissions-policy', PERMISSIONS_POLICY);
    c.header('cross-origin-opener-policy', 'same-origin');
    c.header('cross-origin-resource-policy', 'same-origin');
    if (https) c.header('strict-transport-security', 'max-age=31536000');
  });
}
