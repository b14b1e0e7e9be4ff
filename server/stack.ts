import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadAuthSecret } from './auth/secret.ts';
import { ensureClientBuild } from './build/client.ts';
import type { Config } from './config.ts';
import { openDatabase } from './db/database.ts';
import { migrate } from './db/migrate.ts';
import { logger } from './log.ts';
import { supervise, type Supervised } from './process/supervised.ts';
import { startWatchdog } from './process/watchdog.ts';
import { startZeroCache, type ZeroCache } from './zero/cache.ts';

const log = logger('refrain');

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const DIST_DIR = path.join(ROOT, 'dist');
const API_ENTRY = path.join(ROOT, 'server', 'api.ts');

// How long each part may take to stop before it is killed: together under the 10 s a Ctrl-C gets.
const API_STOP_GRACE_MS = 4_000;
const POSTGRES_STOP_GRACE_MS = 3_000;

export interface Stack {
  url: string;
  /** Stops every part in order: zero-cache, the API, then Postgres. */
  stop(): Promise<void>;
  /** SIGKILLs every part at once (a second Ctrl-C). */
  kill(): void;
}

/**
 * The supervisor's side of `npm start`: builds the PWA, brings up Postgres and migrates it, then
 * runs the API and zero-cache as supervised children that restart when they die. A watchdog
 * process stops them all if this process is killed before it could. A failure part-way stops
 * what already started, so nothing is left behind.
 */
export async function startStack(config: Config): Promise<Stack> {
  const watchdog = startWatchdog();
  const stops: (() => Promise<void>)[] = [];
  const kills: (() => void)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) {
      await stop().catch((err) => log.error('stop failed', { error: String(err) }));
    }
    stops.length = 0;
    await watchdog.release();
  };
  try {
    fs.mkdirSync(config.dataDir, { recursive: true });
    await ensureClientBuild(ROOT, DIST_DIR);

    const db = await openDatabase(config, (pid) =>
      watchdog.watch(pid, 'postgres', { group: false, signal: 'SIGINT' }),
    );
    stops.push(() => db.close(POSTGRES_STOP_GRACE_MS));
    kills.push(db.kill);
    await migrate(db.sql);
    // The supervisor needs no connection of its own after this; the API opens its own pool.
    await db.sql.end({ timeout: 5 });
    // Before any child starts, so the API and zero-cache never race to create the key.
    loadAuthSecret(config.dataDir, config.authSecret);

    const api = startApi(config, db.url, (pid) =>
      watchdog.watch(pid, 'api', { group: true, signal: 'SIGTERM' }),
    );
    stops.push(() => api.stop());
    kills.push(() => api.kill());
    await waitForApi(config.port, api, 120_000);

    // With RUN_ZERO_CACHE=false this installation is one more API for a zero-cache run elsewhere.
    if (config.runZeroCache) {
      const dir = path.join(config.dataDir, 'zero');
      watchdog.watchDir(dir);
      const zeroCache: ZeroCache = startZeroCache(
        config,
        db.url,
        `http://127.0.0.1:${config.port}`,
        (pid) => watchdog.watch(pid, 'zero-cache', { group: true, signal: 'SIGTERM' }),
      );
      stops.push(() => zeroCache.stop());
      kills.push(() => zeroCache.kill());
      await zeroCache.waitUntilUp(120_000);
    }

    return {
      url: config.publicUrl,
      stop: stopAll,
      kill() {
        for (const kill of kills) kill();
        void watchdog.release();
      },
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/** The API process, restarted whenever it dies; REFRAIN_FAULT reaches only its first start. */
function startApi(config: Config, databaseUrl: string, onStart: (pid: number) => void): Supervised {
  return supervise({
    name: 'api',
    command: process.execPath,
    // The same loader flags this process runs with (tsx), so the API's TypeScript loads too.
    args: [...process.execArgv, API_ENTRY],
    options: (start) => {
      const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: databaseUrl };
      if (start > 0) delete env.REFRAIN_FAULT;
      return { cwd: ROOT, env };
    },
    pidFile: path.join(config.dataDir, 'api.pid'),
    maxBackoffMs: 5_000,
    stableAfterMs: 10_000,
    stopGraceMs: API_STOP_GRACE_MS,
    onStart,
  });
}

/** Until the API answers on PORT (any answer: health is 503 until zero-cache is up). */
async function waitForApi(port: number, api: Supervised, timeoutMs: number): Promise<void> {
  await api.started;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await fetch(`http://127.0.0.1:${port}/api/health`, { signal: AbortSignal.timeout(2_000) });
      return;
    } catch {}
    if (Date.now() > deadline) throw new Error(`the API did not answer on port ${port} in time`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
