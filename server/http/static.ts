import fs from 'node:fs';
import path from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';
import { compress } from 'hono/compress';
import type { AppEnv } from './env.ts';

/**
 * Serves the built PWA. Hashed assets are immutable; the shell and the service worker are
 * revalidated on every load so an update is noticed. Unknown non-API paths get the shell, which
 * routes on the client.
 */
export function pwaRoutes(distDir: string) {
  const root = path.relative(process.cwd(), distDir) || '.';
  const shell = () => fs.readFileSync(path.join(distDir, 'index.html'), 'utf8');
  return (
    new Hono<AppEnv>()
      // Phones on slow networks pay for every byte of the bundle; gzip cuts it to about a third.
      .use('*', compress())
      .use(
        '/assets/*',
        serveStatic({
          root,
          onFound: (_path, c) => c.header('cache-control', 'public, max-age=31536000, immutable'),
        }),
      )
      .use(
        '*',
        serveStatic({
          root,
          onFound: (_path, c) => c.header('cache-control', 'no-cache'),
        }),
      )
      .get('*', (c) => {
        c.header('cache-control', 'no-cache');
        return c.html(shell());
      })
  );
}
