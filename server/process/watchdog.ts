import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('./watchdog.cjs', import.meta.url));

/** Later stages stop after earlier ones, as in an orderly stop: Postgres last. */
export type WatchStage = 'zero-cache' | 'api' | 'postgres';
const STAGES: Record<WatchStage, number> = { 'zero-cache': 0, api: 1, postgres: 2 };

export interface Watchdog {
  watch(pid: number, stage: WatchStage, how: { group: boolean; signal: NodeJS.Signals }): void;
  /** Processes working in `dir` are killed last (zero-cache forks workers into groups of their own). */
  watchDir(dir: string): void;
  /** Everything was stopped in order: the watchdog leaves without touching anything. */
  release(): Promise<void>;
}

/**
 * A process of its own that outlives this one: if this process dies before `release()`, it stops
 * every child it was told about, so no Postgres or zero-cache runs on without its supervisor.
 */
export function startWatchdog(): Watchdog {
  const child: ChildProcess = spawn(process.execPath, [SCRIPT], {
    detached: true,
    stdio: ['pipe', 'ignore', 'inherit'],
  });
  child.unref();
  // Its stdin must not keep this process alive, and a write after it died must not throw.
  const stdin = child.stdin!;
  (stdin as unknown as { unref?: () => void }).unref?.();
  stdin.on('error', () => {});
  const send = (msg: object) => {
    if (!stdin.destroyed) stdin.write(`${JSON.stringify(msg)}\n`);
  };
  return {
    watch: (pid, stage, how) => send({ watch: { pid, stage: STAGES[stage], ...how } }),
    watchDir: (dir) => send({ dir }),
    release() {
      send({ done: true });
      stdin.end();
      // Waited for, so that once this process has stopped nothing of it is left running.
      return new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const timer = setTimeout(resolve, 2_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
  };
}
