import fs from 'node:fs';
import path from 'node:path';
import { inject } from 'vitest';
import { freePort } from './ports.ts';
import { startStack, type RunningStack } from './stack.ts';

/**
 * Timing knobs small enough that leases, grace periods and timeouts pass within a test. The lease
 * stays above the longest event-loop stall seen on a loaded 2-core machine (~1 s): a shorter one
 * lets another test's server take over a healthy slot mid-write.
 */
export const FAST_TIMING = {
  SLOT_LEASE_MS: '2500',
  // A render's lease is beaten from an event loop that stalls for seconds beside the engine's
  // workers at load 9; it stays far above any stall so a healthy render is never taken over.
  RENDER_LEASE_MS: '15000',
  WEBHOOK_GRACE_MS: '1500',
  RECONCILE_AFTER_MS: '1000',
  RECONCILE_INTERVAL_MS: '100',
  // Every test server shares one Postgres, and a server times out any slot of its provider: a
  // short timeout here would fail another test's renders waiting on a loaded machine. Tests of
  // the timeout set their own.
  GENERATION_TIMEOUT_MS: '600000',
  PROVIDER_BUSY_WAIT_MS: '100',
};

/**
 * For tests that get their results by webhook and drive time themselves: the server's reconciler
 * stays idle for longer than any test runs.
 */
export const QUIET_RECONCILER = {
  SLOT_LEASE_MS: '60000',
  RECONCILE_AFTER_MS: '600000',
  RECONCILE_INTERVAL_MS: '600000',
  GENERATION_TIMEOUT_MS: '600000',
};

/**
 * One more API process on the shared stack's Postgres and zero-cache (RUN_ZERO_CACHE=false), so a
 * test can point it at a stand-in provider and kill it without touching the shared stack. It
 * shares the stack's signing key, so its guests' tokens also open Zero connections.
 */
export async function startApiServer(
  env: Record<string, string> = {},
  port?: number,
): Promise<RunningStack> {
  const shared = inject('stack');
  const zeroPort = new URL(shared.zeroUrl).port;
  const listenPort = port ?? (await freePort());
  return startStack({
    ports: { port: listenPort, pgPort: 1, zeroPort: Number(zeroPort) },
    env: {
      DATABASE_URL: shared.databaseUrl,
      RUN_ZERO_CACHE: 'false',
      AUTH_SECRET: fs.readFileSync(path.join(shared.dataDir, 'auth-secret'), 'utf8').trim(),
      PUBLIC_URL: `http://127.0.0.1:${listenPort}`,
      ...FAST_TIMING,
      ...env,
    },
    // Generous: on a loaded 2-core machine a start takes seconds, not the usual one.
    readyTimeoutMs: 180_000,
  });
}
