import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import fs from 'node:fs';
import { logger } from '../log.ts';
import { stopProcess } from './signals.ts';

export interface SupervisedOptions {
  name: string;
  command: string;
  args: string[];
  options: SpawnOptions;
  /** Output goes here, not to the console, so a noisy child does not drown the app's own lines. */
  logFile: string;
  /** Where the current pid is written, so a later start can find a child orphaned by SIGKILL. */
  pidFile: string;
  maxBackoffMs: number;
  /** How long a child must stay up before its restart delay resets. */
  stableAfterMs?: number;
  /** Runs before every start and after the final stop, e.g. to reap workers the child forked. */
  cleanup?: () => Promise<unknown>;
}

export interface Supervised {
  readonly pid: number | undefined;
  readonly restarts: number;
  stop(): Promise<void>;
}

/** Runs a child forever: a crash is logged and followed by a restart after a growing delay. */
export function supervise(opts: SupervisedOptions): Supervised {
  const log = logger(opts.name);
  const stableAfterMs = opts.stableAfterMs ?? 30_000;
  let child: ChildProcess | undefined;
  let stopping = false;
  let restarts = 0;
  let failures = 0;
  let timer: NodeJS.Timeout | undefined;

  const start = async () => {
    await opts.cleanup?.();
    if (stopping) return;
    const out = fs.openSync(opts.logFile, 'a');
    const startedAt = Date.now();
    // Its own process group, so a stop reaches every worker it forks, and a terminal's Ctrl-C
    // reaches only the supervisor, which then stops children in order.
    child = spawn(opts.command, opts.args, {
      ...opts.options,
      detached: true,
      stdio: ['ignore', out, out],
    });
    fs.closeSync(out);
    if (child.pid) fs.writeFileSync(opts.pidFile, String(child.pid));
    child.on('error', (err) => log.error('could not start', { error: err.message }));
    child.on('exit', (code, signal) => {
      if (stopping) return;
      failures = Date.now() - startedAt > stableAfterMs ? 1 : failures + 1;
      const delay = Math.min(opts.maxBackoffMs, 250 * 2 ** (failures - 1));
      log.warn('exited; restarting', { code, signal, inMs: delay, log: opts.logFile });
      timer = setTimeout(() => {
        restarts++;
        void start();
      }, delay);
    });
  };
  const first = start();

  return {
    get pid() {
      return child?.pid;
    },
    get restarts() {
      return restarts;
    },
    async stop() {
      stopping = true;
      clearTimeout(timer);
      await first;
      if (child) await stopProcess(child, 'SIGTERM', 15_000, true);
      await opts.cleanup?.();
      fs.rmSync(opts.pidFile, { force: true });
    },
  };
}
