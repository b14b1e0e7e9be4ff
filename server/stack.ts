import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadAuthSecret } from './auth/secret.ts';
import { ensureClientBuild } from './build/client.ts';
import { serverBuildDir } from './build/compiled.ts';
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
// The compiled API beside the compiled supervisor (`npm start`), or its source (`npm run dev`).
const API_ENTRY = serverBuildDir
  ? path.join(serverBuildDir, 'api.js')
  : path.join(ROOT, 'server', 'api.ts');

// How long each part may take to stop before it is killed: together under the 10 s a Ctrl-C gets.
const API_STOP_GRACE_MS = 4_000;
const POSTGRES_STOP_GRACE_MS = 3_000;
// A refused connection is answered at once, so polling this often costs next to nothing and
// spares the start up to a poll's worth of waiting.
const READY_POLL_MS = 20;

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
  const began = Date.now();
  // At debug level, where the start's time goes (docs/faults.md, "Starting").
  const phase = (name: string) =>
    log.debug('start phase done', { phase: name, atMs: Date.now() - began });
  try {
    fs.mkdirSync(config.dataDir, { recursive: true });
    await ensureClientBuild(ROOT, DIST_DIR);
    phase('client build');

    const db = await openDatabase(config, (pid) =>
      watchdog.watch(pid, 'postgres', { group: false, signal: 'SIGINT' }),
    );
    stops.push(() => db.close(POSTGRES_STOP_GRACE_MS));
    kills.push(db.kill);
    phase('postgres');
    await migrate(db.sql);
    phase('migrations');
    // The supervisor needs no connection of its own after this; the API opens its own pool.
    await db.sql.end({ timeout: 5 });
    // Before any child starts, so the API and zero-cache never race to create the key.
    loadAuthSecret(config.dataDir, config.authSecret);

    // The API and zero-cache start side by side: zero-cache's initial sync reads only Postgres,
    // and it calls the API only once a client connects, which is after both are up.
    const api = startApi(config, db.url, (pid) =>
      watchdog.watch(pid, 'api', { group: true, signal: 'SIGTERM' }),
    );
    stops.push(() => api.stop());
    kills.push(() => api.kill());
    const apiUp = waitForApi(config.port, api, 120_000).then(() => phase('api'));

    // With RUN_ZERO_CACHE=false this installation is one more API for a zero-cache run elsewhere.
    let zeroCacheUp: Promise<void> = Promise.resolve();
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
      zeroCacheUp = zeroCache.waitUntilUp(120_000).then(() => phase('zero-cache'));
    }
    await Promise.all([apiUp, zeroCacheUp]);

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
    // The same loader flags this process runs with (tsx from sources, none compiled).
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
    await new Promise((r) => setTimeout(r, READY_POLL_MS));
  }
}
