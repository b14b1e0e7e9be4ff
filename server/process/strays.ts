import fs from 'node:fs';
import { isAlive } from './signals.ts';

/**
 * Pids of live processes whose working directory is `dir` or below it. zero-cache forks each of
 * its workers into a process group of its own, so a signal to its group misses them; giving it a
 * working directory of its own is what lets us find every one of them.
 */
export function processesIn(dir: string): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cwd = fs.readlinkSync(`/proc/${entry}/cwd`);
      if (cwd === dir || cwd.startsWith(`${dir}/`)) pids.push(Number(entry));
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return pids;
}

/** SIGKILLs every process working in `dir` and waits until they are gone. */
export async function killStrays(dir: string, timeoutMs = 10_000): Promise<number[]> {
  const pids = processesIn(dir);
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {}
  }
  const deadline = Date.now() + timeoutMs;
  while (pids.some(isAlive) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 20));
  }
  return pids;
}
