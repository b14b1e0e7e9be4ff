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

/** Whether dist/ is missing or older than any of its sources. */
export function isBuildStale(root: string, distDir: string): boolean {
  const stamp = path.join(distDir, 'index.html');
  if (!fs.existsSync(stamp)) return true;
  const built = fs.statSync(stamp).mtimeMs;
  return SOURCES.some((s) => newestMtime(path.join(root, s)) > built);
}

/** Builds the PWA with Vite when stale; a no-op otherwise. */
export async function ensureClientBuild(root: string, distDir: string): Promise<void> {
  if (!isBuildStale(root, distDir)) return;
  log.info('building the app (sources changed or no build yet)');
  const started = Date.now();
  const vite = path.join(root, 'node_modules', 'vite', 'bin', 'vite.js');
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [vite, 'build', '--logLevel', 'warn'], {
      cwd: root,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`vite build failed (${code})`)),
    );
  });
  log.info('built', { ms: Date.now() - started });
}
