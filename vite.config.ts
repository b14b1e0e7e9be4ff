import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import { paintedShell as paintedMarkup } from './client/screens/PaintedHome.tsx';

/**
 * The shell paints the app before its JavaScript arrives: the app's frame and Home's first view are
 * rendered into index.html from the same components the app uses (client/screens/PaintedHome.tsx),
 * and the stylesheet (6 KB) is inlined, so the first paint waits for nothing but the page itself.
 * The server allows the inline style by hash and keeps the view only where it belongs
 * (server/http/shell.ts).
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
        if (!html.includes('<!--shell-->')) throw new Error('index.html has no shell mark');
        return html.replace('<!--shell-->', () => paintedMarkup());
      },
    },
    generateBundle(_options, bundle) {
      // Nothing else links the stylesheet: the precache need not carry it twice.
      for (const fileName of inlined) delete bundle[fileName];
      // The app has one stylesheet, in the page; a screen with its own would need it loaded
      // (modulePreload below leaves stylesheets out).
      const others = Object.keys(bundle).filter((fileName) => fileName.endsWith('.css'));
      if (others.length) throw new Error(`stylesheets outside the page: ${others.join(', ')}`);
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
    rollupOptions: {
      output: {
        // Vite's loader for import() in a chunk of its own: left in the first chunk, every other
        // chunk would import that one and load its stylesheet with it, which is inlined in the
        // page and not a file (paintedShell).
        manualChunks: (id) => (id.includes('vite/preload-helper') ? 'preload' : undefined),
      },
    },
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
  },
});
