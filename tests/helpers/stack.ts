import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './ports.ts';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export const GENEROUS_LIMITS = {
  RATE_SESSIONS_PER_IP: '1000000/1m',
  RATE_RESUME_REDEEMS_PER_IP: '1000000/1m',
  RATE_FORMS_PER_OWNER: '1000000/1m',
  RATE_SLOTS_PER_OWNER: '1000000/1m',
  MAX_GENERATING_SLOTS_PER_OWNER: '1000',
};

/** A running `npm start` equivalent in its own DATA_DIR, on its own ports. */
export interface RunningStack {
  baseUrl: string;
  dataDir: string;
  databaseUrl: string;
  zeroUrl: string;
  env: Record<string, string>;
  child: ChildProcess;
  output: () => string;
  /** SIGTERM, then wait for the process to exit; resolves with its exit code. */
  stop: () => Promise<number | null>;
  /** The pid of the API process the supervisor runs now. */
  apiPid: () => number;
  /**
   * Resolves with the signal (or exit code) of the next API exit the supervisor reports after
   * `fromOutput` characters of its output, once the restarted API answers health.
   */
  apiRestarted: (fromOutput?: number) => Promise<string>;
}

export interface StackOptions {
  dataDir?: string;
  env?: Record<string, string>;
  /** Ports to reuse, so a restart keeps its URLs. */
  ports?: { port: number; pgPort: number; zeroPort: number };
  readyTimeoutMs?: number;
  /**
   * Start it from a parent process of its own (a terminal, a test runner): `child` is then that
   * parent, which a test can kill to leave the stack without the process that started it.
   */
  throughParent?: boolean;
}

// A parent that starts the stack as `npm start` does and stays until it is killed.
const PARENT = `
const { spawn } = require('node:child_process');
spawn(process.execPath, ['server/start.mjs'], { stdio: 'inherit' });
setInterval(() => {}, 1 << 30);
`;

/**
 * Runs the server as a child process exactly as `npm start` does (compiled, built first when a
 * source changed), and waits for health.
 */
export async function startStack(opts: StackOptions = {}): Promise<RunningStack> {
  const dataDir = opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'refrain-test-'));
  const ports = opts.ports ?? {
    port: await freePort(),
    pgPort: await freePort(),
    zeroPort: await freePort(2),
  };
  const env: Record<string, string> = {
    PORT: String(ports.port),
    PG_PORT: String(ports.pgPort),
    ZERO_PORT: String(ports.zeroPort),
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    ZERO_LOG_LEVEL: 'warn',
    // Tests make hundreds of guests and forms from one address; the limits have tests of their
    // own (tests/integration/limits.*) that start servers with the documented defaults.
    ...GENEROUS_LIMITS,
    ...opts.env,
  };
  const args = opts.throughParent ? ['-e', PARENT] : ['server/start.mjs'];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );

  const baseUrl = `http://127.0.0.1:${ports.port}`;
  try {
    await waitFor(
      async () => {
        if (child.exitCode !== null)
          throw new Error(`server exited (${child.exitCode}):\n${output}`);
        return (await health(baseUrl))?.status === 200;
      },
      opts.readyTimeoutMs ?? 240_000,
      () => `server not healthy in time:\n${output}`,
    );
  } catch (err) {
    // A server that did not come up in time is stopped, with its Postgres and zero-cache; left
    // running, it would outlive the test run and load every later test.
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
    throw err;
  }
  const databaseUrl =
    env.DATABASE_URL ??
    `postgres://postgres:${encodeURIComponent(fs.readFileSync(path.join(dataDir, 'pg-password'), 'utf8').trim())}@127.0.0.1:${ports.pgPort}/refrain`;
  return {
    baseUrl,
    dataDir,
    databaseUrl,
    zeroUrl: `http://127.0.0.1:${ports.zeroPort}`,
    env,
    child,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
    apiPid: () => Number(fs.readFileSync(path.join(dataDir, 'api.pid'), 'utf8')),
    apiRestarted: async (fromOutput = 0) => {
      let how = '';
      await waitFor(
        async () => {
          const line = /api: exited; restarting (\{.*\})/.exec(output.slice(fromOutput));
          if (!line) return false;
          const { code, signal } = JSON.parse(line[1]!) as { code: number | null; signal: string };
          how = signal ?? String(code);
          return (await health(baseUrl)) !== null;
        },
        opts.readyTimeoutMs ?? 240_000,
        () => `the API did not exit and come back:\n${output.slice(fromOutput)}`,
      );
      return how;
    },
  };
}

export async function health(baseUrl: string): Promise<{ status: number; body: any } | null> {
  try {
    const res = await fetch(`${baseUrl}/api/health`, { signal: AbortSignal.timeout(3_000) });
    return { status: res.status, body: await res.json() };
  } catch {
    return null;
  }
}

/** Polls `check` until it returns true; the way tests wait for a condition instead of sleeping. */
export async function waitFor(
  check: () => Promise<boolean> | boolean,
  timeoutMs: number,
  describe: () => string = () => 'condition',
  intervalMs = 50,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${describe()}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Pids of live processes whose command line or working directory mentions `needle`. */
export function processesMentioning(needle: string): number[] {
  const found: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      let cwd = '';
      try {
        cwd = fs.readlinkSync(`/proc/${entry}/cwd`);
      } catch {}
      const state = fs.readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]?.[0];
      if (state === 'Z') continue;
      // The API and the watchdog carry DATA_DIR only in their environment.
      let environ = '';
      try {
        environ = fs.readFileSync(`/proc/${entry}/environ`, 'utf8');
      } catch {}
      if (
        cmdline.includes(needle) ||
        cwd.startsWith(needle) ||
        environ.split('\0').includes(`DATA_DIR=${needle}`)
      )
        found.push(Number(entry));
    } catch {}
  }
  return found;
}
