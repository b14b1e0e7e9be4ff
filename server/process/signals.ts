import type { ChildProcess } from 'node:child_process';

/** Whether a process with this pid exists (signal 0 checks without delivering anything). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Signals a whole process group, ignoring one that is already gone. */
export function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

/**
 * Sends `signal`, waits for exit, and escalates to SIGKILL after `graceMs`. With `group`, the
 * child's whole process group gets the signals (for children started with `detached: true`).
 */
export function stopProcess(
  child: ChildProcess,
  signal: NodeJS.Signals,
  graceMs: number,
  group = false,
): Promise<void> {
  const send = (sig: NodeJS.Signals) =>
    group && child.pid ? signalGroup(child.pid, sig) : child.kill(sig);
  if (child.exitCode !== null || child.signalCode !== null) {
    if (group && child.pid) signalGroup(child.pid, 'SIGKILL');
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    const timer = setTimeout(() => send('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      // Workers the child forked may outlive it by a moment; none may outlive the group.
      if (group && child.pid) signalGroup(child.pid, 'SIGKILL');
      resolve();
    });
    send(signal);
  });
}
