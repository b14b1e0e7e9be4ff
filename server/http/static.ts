import fs from 'node:fs';
import path from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono, type Context } from 'hono';
import { compress } from 'hono/compress';
import type { SiteInfo } from '../../schema/site.ts';
import type { AppEnv } from './env.ts';
import { shellPages } from './shell.ts';
import { readerLocale } from './locale.ts';

/**
 * Serves the built PWA. Hashed assets are immutable; the shell and the service worker are
 * revalidated on every load so an update is noticed. Unknown non-API paths get the shell, which
 * routes on the client.
 */
export function pwaRoutes(distDir: string, site: (locale?: string) => Promise<SiteInfo>) {
  const root = path.relative(process.cwd(), distDir) || '.';
  const pages = shellPages(distDir, site);
  const shell = async (c: Context<AppEnv>) => {
    const page = await pages(c.req.path, readerLocale(c.req.header('accept-language')));
    c.set('styleHashes', page.styleHashes);
    c.header('cache-control', 'no-cache');
    // The page differs by language (its prices), so no cache may hand one reader's to another.
    c.header('vary', 'accept-language');
    return c.html(page.html);
  };
  return (
    new Hono<AppEnv>()
      // Phones on slow networks pay for every byte of the bundle; gzip cuts it to about a third.
      .use('*', compress())
      .get('/', shell)
      .get('/index.html', shell)
      .use(
        '/assets/*',
        serveStatic({
          root,
          onFound: (_path, c) => c.header('cache-control', 'public, max-age=31536000, immutable'),
        }),
      )
      // A file of another build (a page opened before a deploy) is missing, not the app's page:
      // answered as HTML it would be refused as a script or a stylesheet with a puzzling error.
      .get('/assets/*', (c) => c.text('This file is not part of this version of Refrain.', 404))
      .use(
        '*',
        serveStatic({
          root,
          onFound: (_path, c) => c.header('cache-control', 'no-cache'),
        }),
      )
      .get('*', shell)
  );
}
