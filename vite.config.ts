import react from '@vitejs/plugin-react';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { defineConfig, type Plugin } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import { FirstVisitHome } from './client/screens/HomeView.tsx';

/**
 * The shell paints the app before its JavaScript arrives: Home's first view is rendered into
 * index.html from the same components the app uses, and the stylesheet (6 KB) is inlined, so the
 * first paint waits for nothing but the page itself. The server allows the inline style by hash
 * and keeps the view only where it belongs (server/http/shell.ts).
 */
function paintedShell(): Plugin {
  let inlined: string[] = [];
  return {
    name: 'refrain-painted-shell',
    apply: 'build',
    // After Vite's own HTML step, so the stylesheet is already inlined when the bundle is written.
    enforce: 'post',
    transformIndexHtml: {
      order: 'post',
      handler(html, ctx) {
        inlined = [];
        for (const [fileName, chunk] of Object.entries(ctx.bundle ?? {})) {
          if (chunk.type !== 'asset' || !fileName.endsWith('.css')) continue;
          const link = new RegExp(`<link rel="stylesheet"[^>]*href="/${fileName}"[^>]*>`);
          if (!link.test(html)) continue;
          const css = String(chunk.source).replace(/<\/style/gi, '<\\/style');
          html = html.replace(link, () => `<style>${css}</style>`);
          inlined.push(fileName);
        }
        const home = renderToStaticMarkup(createElement(FirstVisitHome));
        return html.replace('<!--home-->', `<!--home-->${home}<!--/home-->`);
      },
    },
    generateBundle(_options, bundle) {
      // Nothing else links the stylesheet: the precache need not carry it twice.
      for (const fileName of inlined) delete bundle[fileName];
    },
  };
}

// The PWA: React app from client/, service worker from sw/ (injectManifest, so the worker is our
// own TypeScript and Workbox only contributes the precache list).
export default defineConfig({
  plugins: [
    react(),
    paintedShell(),
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'sw',
      filename: 'sw.ts',
      registerType: 'prompt',
      injectRegister: false,
      manifest: {
        name: 'Refrain — a song made for someone',
        short_name: 'Refrain',
        description: 'Describe the person and the moment; get three takes of a song made for them.',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        background_color: '#1b1026',
        theme_color: '#1b1026',
        icons: [
          { src: '/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: '/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          {
            src: '/icon-maskable-512.png',
            sizes: '512x512',
            type: 'image/png',
            purpose: 'maskable',
          },
          { src: '/icon.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'any' },
        ],
      },
      injectManifest: {
        globPatterns: ['**/*.{js,css,html,svg,png,webmanifest}'],
      },
      devOptions: { enabled: false },
    }),
  ],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
  },
});
