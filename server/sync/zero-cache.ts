import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Config } from '../config.ts';
import { logger } from '../log.ts';
import { killStrays } from '../process/strays.ts';
import { supervise, type Supervised } from '../process/supervised.ts';

const log = logger('zero-cache');

/** The publication zero-cache replicates; see schema/migrations/0001_init.sql. */
export const SYNC_PUBLICATION = 'refrain_sync';

export interface ZeroCache extends Supervised {
  url: string;
  isUp(): Promise<boolean>;
  waitUntilUp(timeoutMs: number): Promise<void>;
}

/** Starts zero-cache as a supervised child replicating `upstreamUrl` for the API on `apiUrl`. */
export function startZeroCache(config: Config, upstreamUrl: string, apiUrl: string): ZeroCache {
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
    args: [cli],
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
      },
    },
    logFile: path.join(dir, 'zero-cache.log'),
    pidFile,
    maxBackoffMs: config.zeroRestartMaxMs,
    // Workers of a crashed zero-cache, or of one orphaned by a SIGKILLed supervisor, would hold
    // its ports and replica; nothing else runs in its directory.
    cleanup: async () => {
      const killed = await killStrays(dir);
      if (killed.length) log.warn('stopped leftover zero-cache processes', { pids: killed });
    },
  });

  const isUp = () => isZeroCacheUp(url);

  return Object.assign(child, {
    url,
    isUp,
    async waitUntilUp(timeoutMs: number) {
      const deadline = Date.now() + timeoutMs;
      while (!(await isUp())) {
        if (Date.now() > deadline) {
          throw new Error(`zero-cache not ready after ${timeoutMs} ms; see ${dir}/zero-cache.log`);
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    },
  });
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
