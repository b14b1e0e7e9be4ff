import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import { chromium } from 'playwright-core';
import { ensureClientBuild } from '../server/build/client.ts';
import { DIST_DIR, ROOT } from '../server/stack.ts';
import { CHROMIUM, CHROMIUM_FLAGS } from '../tests/helpers/browser.ts';
import { freePort } from '../tests/helpers/ports.ts';
import { startStack } from '../tests/helpers/stack.ts';
import { startMusicGptStandIn } from '../tests/standins/musicgpt.ts';
import { seedHistory } from './lib/history.ts';

const FLAGS = ['--headless=new', ...CHROMIUM_FLAGS];

/** JavaScript the shell's HTML loads before anything else runs: its entry and preloads, gzipped. */
export function firstLoadJsGzipBytes(distDir = DIST_DIR): { bytes: number; files: string[] } {
  const html = fs.readFileSync(path.join(distDir, 'index.html'), 'utf8');
  const files = [
    ...html.matchAll(/<(?:script[^>]+src|link[^>]+rel="modulepreload"[^>]+href)="([^"]+\.js)"/g),
  ].map((m) => m[1]!);
  const bytes = files.reduce(
    (sum, f) => sum + gzipSync(fs.readFileSync(path.join(distDir, f))).length,
    0,
  );
  return { bytes, files };
}

/** The chunks `file` loads with static imports, itself included. */
function staticClosure(distDir: string, file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  const code = fs.readFileSync(path.join(distDir, file), 'utf8');
  const dir = path.posix.dirname(file);
  for (const m of code.matchAll(/(?:\bfrom|\bimport)\s*"(\.\/[^"]+\.js)"/g)) {
    staticClosure(distDir, path.posix.join(dir, m[1]!), seen);
  }
  return seen;
}

/**
 * The JavaScript Home runs once the app starts (on a first visit, at the person's first touch;
 * client/start.ts): the page's own script and the app's chunk with everything it imports.
 */
export function appJsGzipBytes(distDir = DIST_DIR): { bytes: number; files: string[] } {
  const first = firstLoadJsGzipBytes(distDir).files.map((f) => f.replace(/^\//, ''));
  const main = fs.readdirSync(path.join(distDir, 'assets')).find((f) => /^main-.*\.js$/.test(f));
  if (!main) throw new Error('the build has no app chunk (assets/main-*.js)');
  const files = new Set<string>();
  for (const f of [...first, `assets/${main}`]) staticClosure(distDir, f, files);
  const bytes = [...files].reduce(
    (sum, f) => sum + gzipSync(fs.readFileSync(path.join(distDir, f))).length,
    0,
  );
  return { bytes, files: [...files] };
}

/** Chrome's own installability verdict for the page (empty list = installable). */
async function installabilityErrors(url: string): Promise<string[]> {
  // A persistent profile: Chrome never offers to install from an incognito window.
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'refrain-lh-'));
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    args: FLAGS.filter((f) => !f.startsWith('--headless')),
  });
  try {
    const page = await browser.newPage();
    await page.goto(url);
    await page.waitForFunction(() => navigator.serviceWorker?.controller !== null, undefined, {
      timeout: 30_000,
    });
    const cdp = await page.context().newCDPSession(page);
    const { installabilityErrors } = (await cdp.send('Page.getInstallabilityErrors')) as {
      installabilityErrors: { errorId: string }[];
    };
    return installabilityErrors.map((e) => e.errorId);
  } finally {
    await browser.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

/**
 * Lighthouse's performance score for `url` (mobile, simulated throttling), `rounds` times in the
 * Chrome on `port`: the median, every score, and the last round's timings.
 */
export async function performanceOf(
  url: string,
  port: number,
  rounds: number,
  flags: { disableStorageReset?: boolean } = {},
) {
  const scores: number[] = [];
  let last = { fcpMs: -1, lcpMs: -1, tbtMs: -1, cls: -1 };
  for (let i = 0; i < rounds; i++) {
    const result = await lighthouse(url, {
      port,
      onlyCategories: ['performance'],
      logLevel: 'error',
      ...flags,
    });
    const lhr = result!.lhr;
    scores.push(Math.round((lhr.categories.performance!.score ?? 0) * 100));
    const ms = (id: string) => Math.round(lhr.audits[id]?.numericValue ?? -1);
    last = {
      fcpMs: ms('first-contentful-paint'),
      lcpMs: ms('largest-contentful-paint'),
      tbtMs: ms('total-blocking-time'),
      cls: Number((lhr.audits['cumulative-layout-shift']?.numericValue ?? -1).toFixed(3)),
    };
  }
  return {
    performanceMedian: [...scores].sort((a, b) => a - b)[Math.floor(scores.length / 2)]!,
    performanceScores: scores.join(' '),
    ...last,
  };
}

/** Launches the Chrome Lighthouse drives, headless, with the tests' flags. */
export const launchChrome = () =>
  chromeLauncher.launch({ chromePath: CHROMIUM, chromeFlags: FLAGS });

const HISTORY_ORDERS = 20;

/**
 * Home for a returning customer: a device whose app has run (database, session, service worker)
 * and whose owner has bought HISTORY_ORDERS songs, measured with that device's storage kept. The
 * songs come from the MusicGPT stand-in, paid through the demo checkout.
 */
export async function withHistory(rounds: number) {
  const musicgpt = await startMusicGptStandIn();
  const stack = await startStack({
    env: {
      MUSIC_PROVIDER: 'musicgpt',
      MUSICGPT_API_KEY: musicgpt.apiKey,
      MUSICGPT_API_URL: musicgpt.url,
      MEDIA_TRUSTED_HOSTS: new URL(musicgpt.origin).host,
    },
  });
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'refrain-lh-history-'));
  const port = await freePort();
  const device = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    args: [...CHROMIUM_FLAGS, `--remote-debugging-port=${port}`],
    viewport: { width: 390, height: 800 },
  });
  try {
    const page = device.pages()[0] ?? (await device.newPage());
    await seedHistory(page, stack.baseUrl, stack.databaseUrl, HISTORY_ORDERS);
    await page.goto('about:blank');
    const scores = await performanceOf(stack.baseUrl, port, rounds, { disableStorageReset: true });
    return {
      historyOrders: HISTORY_ORDERS,
      historyPerformanceMedian: scores.performanceMedian,
      historyPerformanceScores: scores.performanceScores,
      historyFcpMs: scores.fcpMs,
      historyLcpMs: scores.lcpMs,
      historyTbtMs: scores.tbtMs,
      historyCls: scores.cls,
    };
  } finally {
    await device.close();
    await stack.stop();
    await musicgpt.close();
    fs.rmSync(profile, { recursive: true, force: true });
    fs.rmSync(stack.dataDir, { recursive: true, force: true });
  }
}

/** Lighthouse (mobile, simulated throttling) against a real `npm start` stack. */
export async function run(rounds = 3) {
  await ensureClientBuild(ROOT, DIST_DIR);
  const stack = await startStack();
  const chrome = await launchChrome();
  let firstVisit;
  try {
    const scores = await performanceOf(stack.baseUrl, chrome.port, rounds);
    const errors = await installabilityErrors(stack.baseUrl);
    const js = firstLoadJsGzipBytes();
    const app = appJsGzipBytes();
    firstVisit = {
      ...scores,
      installable: errors.length === 0 ? 1 : 0,
      installabilityErrors: errors.join(',') || 'none',
      firstLoadJsGzipKB: Math.round(js.bytes / 102.4) / 10,
      appJsGzipKB: Math.round(app.bytes / 102.4) / 10,
    };
  } finally {
    await chrome.kill();
    await stack.stop();
    fs.rmSync(stack.dataDir, { recursive: true, force: true });
  }
  return { bench: 'lighthouse', ...firstVisit, ...(await withHistory(rounds)) };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = await run();
  console.log(
    `lighthouse: performance ${result.performanceMedian} (${result.performanceScores}); with ${result.historyOrders} orders ${result.historyPerformanceMedian} (${result.historyPerformanceScores}), installable ${result.installable ? 'yes' : `no: ${result.installabilityErrors}`}, first-load JS ${result.firstLoadJsGzipKB} KB gzip (${result.appJsGzipKB} KB once the app starts)`,
  );
  console.log(JSON.stringify(result));
}
