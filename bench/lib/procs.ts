import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

// Linux /proc readers used to attribute CPU time to the parts of a running stack, and to clean up
// a stack whose start failed before its handle was returned.

const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

interface ProcInfo {
  pid: number;
  ppid: number;
  /** utime + stime, seconds. */
  cpuSec: number;
  cmdline: string;
}

function readProc(pid: number): ProcInfo | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may contain spaces and parentheses; fields resume after the last ')'.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ppid = Number(rest[1]);
    const cpuSec = (Number(rest[11]) + Number(rest[12])) / CLK_TCK;
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
    return { pid, ppid, cpuSec, cmdline };
  } catch {
    return null;
  }
}

function allProcs(): ProcInfo[] {
  const out: ProcInfo[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const info = readProc(Number(entry));
    if (info) out.push(info);
  }
  return out;
}

/** `root` and every live descendant of it. */
export function processTree(root: number): ProcInfo[] {
  const procs = allProcs();
  const children = new Map<number, ProcInfo[]>();
  for (const p of procs) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
  const self = procs.find((p) => p.pid === root);
  if (!self) return [];
  const tree: ProcInfo[] = [];
  const queue = [self];
  while (queue.length) {
    const p = queue.shift()!;
    tree.push(p);
    queue.push(...(children.get(p.pid) ?? []));
  }
  return tree;
}

export type CpuGroups = {
  api: number;
  postgres: number;
  zeroCache: number;
  bench: number;
  machine: number;
};

/**
 * CPU seconds used so far by the stack rooted at `root`, split into the API process, Postgres
 * (postmaster and backends) and zero-cache (with its workers), plus this process, and the busy
 * time of the whole machine.
 */
export function cpuByGroup(root: number): CpuGroups {
  const groups: CpuGroups = {
    api: 0,
    postgres: 0,
    zeroCache: 0,
    bench: 0,
    machine: machineBusySec(),
  };
  const tree = processTree(root);
  const zeroRoots = new Set(
    tree.filter((p) => /zero\/src\/cli\.js|zero-cache/.test(p.cmdline)).map((p) => p.pid),
  );
  const byPid = new Map(tree.map((p) => [p.pid, p]));
  const under = (p: ProcInfo, roots: Set<number>) => {
    for (let q: ProcInfo | undefined = p; q; q = byPid.get(q.ppid))
      if (roots.has(q.pid)) return true;
    return false;
  };
  for (const p of tree) {
    if (p.pid === root) groups.api += p.cpuSec;
    else if (/postgres/.test(p.cmdline)) groups.postgres += p.cpuSec;
    else if (under(p, zeroRoots)) groups.zeroCache += p.cpuSec;
    else groups.api += p.cpuSec;
  }
  const self = process.cpuUsage();
  groups.bench = (self.user + self.system) / 1e6;
  return groups;
}

/** Pids of this process's children started with `name=value` in their environment. */
export function childrenWithEnv(name: string, value: string): number[] {
  const wanted = `${name}=${value}`;
  return allProcs()
    .filter((p) => {
      if (p.ppid !== process.pid) return false;
      try {
        return fs.readFileSync(`/proc/${p.pid}/environ`, 'utf8').split('\0').includes(wanted);
      } catch {
        return false;
      }
    })
    .map((p) => p.pid);
}

/** Whether the process is gone (or a zombie waiting to be reaped). */
export function isGone(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}

/**
 * CPU seconds the whole machine has spent busy (everything but idle and iowait, kernel included)
 * since boot; the difference over a window, against the stack's own share, shows whether
 * something else was competing for the cores while a bench ran.
 */
export function machineBusySec(): number {
  const first = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
  const [, ...fields] = first.trim().split(/\s+/);
  const n = fields.map(Number);
  const total = n.slice(0, 8).reduce((a, b) => a + b, 0);
  const idle = (n[3] ?? 0) + (n[4] ?? 0);
  return (total - idle) / CLK_TCK;
}
