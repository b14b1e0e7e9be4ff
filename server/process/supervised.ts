import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import fs from 'node:fs';
import { logger } from '../log.ts';
import { signalGroup, stopProcess } from './signals.ts';

export interface SupervisedOptions {
  name: string;
  command: string;
  args: string[];
  /** Options for each start; a function gets the start's number (0 for the first). */
  options: SpawnOptions | ((start: number) => SpawnOptions);
  /**
   * Output goes here, not to the console, so a noisy child does not drown the app's own lines.
   * Without one the child writes to this process's own stdout and stderr.
   */
  logFile?: string;
  /** Where the current pid is written, so a later start can find a child orphaned by SIGKILL. */
  pidFile: string;
  maxBackoffMs: number;
  /** How long a child must stay up before its restart delay resets. */
  stableAfterMs?: number;
  /** How long a stop waits for the child before it kills the child's whole group. */
  stopGraceMs?: number;
  /** Runs before every start and after the final stop, e.g. to reap workers the child forked. */
  cleanup?: () => Promise<unknown>;
  /** Told each new pid, e.g. so a watchdog can stop the child if this process dies. */
  onStart?: (pid: number) => void;
}

export interface Supervised {
  readonly pid: number | undefined;
  readonly restarts: number;
  /** The first start has been made (the child may still be loading). */
  readonly started: Promise<void>;
  stop(): Promise<void>;
  /** SIGKILLs the child's group at once and never restarts it. */
  kill(): void;
}

/** Runs a child forever: a crash is logged and followed by a restart after a growing delay. */
export function supervise(opts: SupervisedOptions): Supervised {
  const log = logger(opts.name);
  const stableAfterMs = opts.stableAfterMs ?? 30_000;
  let child: ChildProcess | undefined;
  let stopping = false;
  let starts = 0;
  let failures = 0;
  let timer: NodeJS.Timeout | undefined;

  const start = async () => {
    await opts.cleanup?.();
    if (stopping) return;
    const out = opts.logFile ? fs.openSync(opts.logFile, 'a') : undefined;
    const startedAt = Date.now();
    const options = typeof opts.options === 'function' ? opts.options(starts) : opts.options;
    starts++;
    // Its own process group, so a stop reaches every worker it forks, and a terminal's Ctrl-C
    // reaches only the supervisor, which then stops children in order.
    child = spawn(opts.command, opts.args, {
      ...options,
      detached: true,
      stdio: out === undefined ? ['ignore', 'inherit', 'inherit'] : ['ignore', out, out],
    });
    if (out !== undefined) fs.closeSync(out);
    if (child.pid) {
      fs.writeFileSync(opts.pidFile, String(child.pid));
      opts.onStart?.(child.pid);
    }
    child.on('error', (err) => log.error('could not start', { error: err.message }));
    child.on('exit', (code, signal) => {
      if (stopping) return;
      failures = Date.now() - startedAt > stableAfterMs ? 1 : failures + 1;
      const delay = Math.min(opts.maxBackoffMs, 250 * 2 ** (failures - 1));
      log.warn('exited; restarting', { code, signal, inMs: delay, log: opts.logFile });
      timer = setTimeout(() => void start(), delay);
    });
  };
  const first = start();

  return {
    get pid() {
      return child?.pid;
    },
    get restarts() {
      return Math.max(0, starts - 1);
    },
    started: first,
    async stop() {
      stopping = true;
      clearTimeout(timer);
      await first;
      if (child) await stopProcess(child, 'SIGTERM', opts.stopGraceMs ?? 15_000, true);
      await opts.cleanup?.();
      fs.rmSync(opts.pidFile, { force: true });
    },
    kill() {
      stopping = true;
      clearTimeout(timer);
      if (child?.pid) signalGroup(child.pid, 'SIGKILL');
    },
  };
}
