import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from '../config.ts';
import { logger } from '../log.ts';
import { canReadListeners, isLoopback, listenersOf } from '../process/listeners.ts';
import { killStrays, processesIn } from '../process/strays.ts';
import { supervise, type Supervised } from '../process/supervised.ts';

const log = logger('zero-cache');

/** The publication zero-cache replicates; see schema/migrations/0001_init.sql. */
export const SYNC_PUBLICATION = 'refrain_sync';

// Every process zero-cache starts binds here (see cache-loopback.cjs); only the API server,
// on PORT, faces the network.
const LISTEN_HOST = '127.0.0.1';
const PRELOAD = fileURLToPath(new URL('./cache-loopback.cjs', import.meta.url));
const GUARD_INTERVAL_MS = 1_000;
// Until it is up, a refused connection is answered at once: a short poll costs next to nothing.
const READY_POLL_MS = 20;

export interface ZeroCache extends Supervised {
  url: string;
  /** Why zero-cache was stopped for good, when it was caught listening beyond loopback. */
  readonly exposure: string | undefined;
  isUp(): Promise<boolean>;
  waitUntilUp(timeoutMs: number): Promise<void>;
}

/** Starts zero-cache as a supervised child replicating `upstreamUrl` for the API on `apiUrl`. */
export function startZeroCache(
  config: Pick<Config, 'dataDir' | 'zeroPort' | 'zeroRestartMaxMs'>,
  upstreamUrl: string,
  apiUrl: string,
  onStart?: (pid: number) => void,
): ZeroCache {
  const dir = path.join(config.dataDir, 'zero');
  fs.mkdirSync(dir, { recursive: true });
  const pidFile = path.join(dir, 'zero-cache.pid');

  // The package's entry sits beside its `zero-cache` bin (out/zero/src/cli.js).
  const entry = createRequire(import.meta.url).resolve('@rocicorp/zero');
  const cli = path.join(path.dirname(entry), 'cli.js');
  const url = `http://127.0.0.1:${config.zeroPort}`;
  const child = supervise({
    name: 'zero-cache',
    command: process.execPath,
    // Forked workers inherit execArgv, so the preload reaches every process of zero-cache.
    args: ['--require', PRELOAD, cli],
    options: {
      // Its own working directory: zero-cache reads a .env from there, and ours is not for it.
      cwd: dir,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        NODE_ENV: 'production',
        ZERO_UPSTREAM_DB: upstreamUrl,
        ZERO_REPLICA_FILE: path.join(dir, 'replica.db'),
        ZERO_PORT: String(config.zeroPort),
        ZERO_ADMIN_PASSWORD: adminPassword(dir),
        ZERO_APP_PUBLICATIONS: SYNC_PUBLICATION,
        // Both URLs must be set when clients send a token, or zero-cache exits with code 13.
        ZERO_QUERY_URL: `${apiUrl}/api/zero/query`,
        ZERO_MUTATE_URL: `${apiUrl}/api/zero/mutate`,
        ZERO_NUM_SYNC_WORKERS: '1',
        ZERO_ENABLE_TELEMETRY: 'false',
        ZERO_LOG_LEVEL: process.env.ZERO_LOG_LEVEL ?? 'info',
        REFRAIN_LISTEN_HOST: LISTEN_HOST,
      },
    },
    logFile: path.join(dir, 'zero-cache.log'),
    pidFile,
    maxBackoffMs: config.zeroRestartMaxMs,
    // Its replica is a cache rebuilt from Postgres: a stop need not wait long for it.
    stopGraceMs: 3_000,
    onStart,
    // Workers of a crashed zero-cache, or of one orphaned by a SIGKILLed supervisor, would hold
    // its ports and replica; nothing else runs in its directory.
    cleanup: async () => {
      const killed = await killStrays(dir);
      if (killed.length) log.warn('stopped leftover zero-cache processes', { pids: killed });
    },
  });

  const guard = guardListeners(dir, (exposure) => {
    log.error('listening beyond loopback; stopped so nothing outside this machine reaches it', {
      listeners: exposure,
    });
    void child.stop();
  });
  const isUp = async () => !guard.exposure && (await isZeroCacheUp(url));

  return {
    url,
    get pid() {
      return child.pid;
    },
    get restarts() {
      return child.restarts;
    },
    get exposure() {
      return guard.exposure;
    },
    isUp,
    started: child.started,
    async stop() {
      guard.stop();
      await child.stop();
    },
    kill() {
      guard.stop();
      child.kill();
      // Its workers run in groups of their own; the kills go out now, the wait is not needed.
      void killStrays(dir);
    },
    async waitUntilUp(timeoutMs: number) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const up = await isZeroCacheUp(url);
        // Checked now rather than on the guard's next tick, so a start never reports ready exposed.
        if (up) guard.check();
        if (guard.exposure) throw new Error(`zero-cache stopped: it listened on ${guard.exposure}`);
        if (up) return;
        if (Date.now() > deadline) {
          throw new Error(`zero-cache not ready after ${timeoutMs} ms; see ${dir}/zero-cache.log`);
        }
        await new Promise((r) => setTimeout(r, READY_POLL_MS));
      }
    },
  };
}

/**
 * Fail-closed check behind the preload: every second (so also after each restart) reads the
 * listening sockets of every process working in `dir` and calls `onExposed` once, for good, if
 * any is bound beyond loopback. Needs /proc; elsewhere it warns once and does nothing.
 */
function guardListeners(dir: string, onExposed: (exposure: string) => void) {
  let exposure: string | undefined;
  let warned = false;
  const check = () => {
    if (exposure) return;
    if (!canReadListeners()) {
      if (!warned) log.warn('no /proc here: cannot check that zero-cache listens on loopback only');
      warned = true;
      return;
    }
    const { listeners, unreadable } = listenersOf(processesIn(dir));
    if (unreadable.length && !warned) {
      log.warn('cannot read the open sockets of some zero-cache processes', { pids: unreadable });
      warned = true;
    }
    const open = listeners.filter((l) => !isLoopback(l.address));
    if (!open.length) return;
    exposure = open.map((l) => `${l.address}:${l.port} (pid ${l.pid})`).join(', ');
    clearInterval(timer);
    onExposed(exposure);
  };
  const timer = setInterval(check, GUARD_INTERVAL_MS).unref();
  return {
    check,
    get exposure() {
      return exposure;
    },
    stop: () => clearInterval(timer),
  };
}

function adminPassword(dir: string): string {
  const file = path.join(dir, 'admin-password');
  if (!fs.existsSync(file))
    fs.writeFileSync(file, randomBytes(18).toString('base64url'), { mode: 0o600 });
  return fs.readFileSync(file, 'utf8').trim();
}

/** zero-cache answers 200 on / once its initial sync is done. */
export async function isZeroCacheUp(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/`, { signal: AbortSignal.timeout(1_000) });
    return res.ok;
  } catch {
    return false;
  }
}
