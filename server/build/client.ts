import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { logger } from '../log.ts';

const log = logger('build');

/** Inputs of the PWA build: a change to any of them makes the build stale. */
const SOURCES = [
  'client',
  'sw',
  'schema',
  'index.html',
  'vite.config.ts',
  'package-lock.json',
  'public',
];

function newestMtime(entry: string): number {
  if (!fs.existsSync(entry)) return 0;
  const stat = fs.statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const child of fs.readdirSync(entry)) {
    newest = Math.max(newest, newestMtime(path.join(entry, child)));
  }
  return newest;
}

/**
 * What a build records about itself beside its files. Every build this server makes is the
 * production build, whoever asks for it (`npm start`, the tests, a bench): Vite takes its mode
 * from NODE_ENV, which the test runner sets to "test", and that build (React's development
 * runtime, a third larger) would otherwise be served by the next `npm start` as if current.
 */
export const BUILD_STAMP = 'build.json';
export const BUILD_MODE = 'production';

/** The mode the build in `distDir` recorded, if it recorded one. */
export function builtMode(distDir: string): string | undefined {
  try {
    const stamp = JSON.parse(fs.readFileSync(path.join(distDir, BUILD_STAMP), 'utf8')) as unknown;
    const mode = (stamp as { mode?: unknown } | null)?.mode;
    return typeof mode === 'string' ? mode : undefined;
  } catch {
    return undefined;
  }
}

/** Whether dist/ is missing, older than any of its sources, or not a production build. */
export function isBuildStale(root: string, distDir: string): boolean {
  const page = path.join(distDir, 'index.html');
  if (!fs.existsSync(page)) return true;
  if (builtMode(distDir) !== BUILD_MODE) return true;
  const built = fs.statSync(page).mtimeMs;
  return SOURCES.some((s) => newestMtime(path.join(root, s)) > built);
}

const LOCK_STALE_MS = 5 * 60_000;

/**
 * Holds `<dist>.lock` (a directory: mkdir is atomic) while `fn` runs. Several servers started at
 * once (tests, a second API process) would otherwise build into one dist/ together and leave a
 * service worker whose precache list names files the other build deleted.
 */
async function withBuildLock<T>(distDir: string, fn: () => Promise<T>): Promise<T> {
  const lock = `${distDir}.lock`;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      // A builder killed mid-build leaves its lock behind; no build takes this long.
      const age = Date.now() - (fs.statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? 0);
      if (age > LOCK_STALE_MS) fs.rmSync(lock, { recursive: true, force: true });
      else await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

/** Builds the PWA with Vite when stale; a no-op otherwise. One build at a time per checkout. */
export async function ensureClientBuild(root: string, distDir: string): Promise<void> {
  if (!isBuildStale(root, distDir)) return;
  await withBuildLock(distDir, async () => {
    // Another process may have built it while this one waited.
    if (!isBuildStale(root, distDir)) return;
    await build(root, distDir);
  });
}

/** Vite's build into `distDir`, where its stamp is written too. */
async function build(root: string, distDir: string): Promise<void> {
  log.info('building the app (sources changed or no build yet)');
  const started = Date.now();
  const vite = path.join(root, 'node_modules', 'vite', 'bin', 'vite.js');
  await new Promise<void>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [vite, 'build', '--mode', BUILD_MODE, '--outDir', distDir, '--logLevel', 'warn'],
      {
        cwd: root,
        stdio: ['ignore', 'inherit', 'inherit'],
        env: { ...process.env, NODE_ENV: BUILD_MODE },
      },
    );
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`vite build failed (${code})`)),
    );
  });
  // Written last: a build cut short leaves no stamp and is made again.
  fs.writeFileSync(
    path.join(distDir, BUILD_STAMP),
    JSON.stringify({ mode: BUILD_MODE, builtAt: new Date().toISOString() }),
  );
  log.info('built', { ms: Date.now() - started });
}
