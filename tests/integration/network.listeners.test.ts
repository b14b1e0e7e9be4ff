import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  isLoopback,
  listenersOf,
  listeningSockets,
  type OwnedListener,
} from '../../server/process/listeners.ts';
import { processesIn } from '../../server/process/strays.ts';
import { health, startStack, waitFor, type RunningStack } from '../helpers/stack.ts';

// Its own stack: the last test makes zero-cache stop for good, which the shared one must not suffer.
let stack: RunningStack;
let stray: ChildProcess | undefined;
// Generous deadlines: other suites may be starting stacks on the same two cores.
beforeAll(async () => {
  stack = await startStack({ readyTimeoutMs: 240_000 });
}, 300_000);
afterAll(async () => {
  stray?.kill('SIGKILL');
  await stack?.stop();
  if (stack) fs.rmSync(stack.dataDir, { recursive: true, force: true });
});

const ports = () => ({
  app: Number(stack.env.PORT),
  zero: Number(stack.env.ZERO_PORT),
  changeStreamer: Number(stack.env.ZERO_PORT) + 1,
  pg: Number(stack.env.PG_PORT),
});

/** Every process of the stack: the supervisor, all its descendants, and whatever works in DATA_DIR. */
function stackProcesses(): number[] {
  const parents = new Map<number, number>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      // "pid (comm) state ppid …"; comm may hold spaces and parentheses.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields[0] !== 'Z') parents.set(Number(entry), Number(fields[1]));
    } catch {}
  }
  const found = new Set<number>([stack.child.pid!]);
  for (let grew = true; grew;) {
    grew = false;
    for (const [pid, ppid] of parents) {
      if (!found.has(pid) && found.has(ppid)) {
        found.add(pid);
        grew = true;
      }
    }
  }
  for (const pid of processesIn(stack.dataDir)) found.add(pid);
  return [...found];
}

function stackListeners(): { listeners: OwnedListener[]; pids: number[] } {
  const pids = stackProcesses();
  const { listeners, unreadable } = listenersOf(pids);
  // Known ports first, from the kernel's own table, so a failure still says where each one is.
  const table = listeningSockets(stack.child.pid!);
  const where = (port: number) => table.filter((l) => l.port === port).map((l) => l.address);
  const { app, zero, changeStreamer, pg } = ports();
  for (const port of [zero, changeStreamer, pg]) {
    expect(where(port).length, `port ${port} is listening`).toBeGreaterThan(0);
    expect(where(port).every(isLoopback), `port ${port} on ${where(port)}`).toBe(true);
  }
  expect(where(app)).toContain('0.0.0.0');
  // A process whose sockets cannot be attributed could hide a listener.
  expect(unreadable, 'stack processes whose sockets could not be read').toEqual([]);
  return { listeners, pids };
}

describe('only PORT faces the network', () => {
  it('every listening socket of the stack but PORT is on loopback: sync, change streamer, Postgres', () => {
    const { listeners, pids } = stackListeners();
    const { app, zero, changeStreamer, pg } = ports();
    // The walk found every part: the server, zero-cache's workers and Postgres.
    const held = new Set(listeners.map((l) => l.port));
    for (const port of [app, zero, changeStreamer, pg]) expect(held).toContain(port);
    expect(pids.length).toBeGreaterThan(6);

    const exposed = listeners.filter((l) => !isLoopback(l.address));
    expect(exposed.map((l) => l.port)).toEqual([app]);
    expect(exposed[0]!.pid).toBe(stack.apiPid());
  });

  it('every process of zero-cache carries the loopback preload, and a restarted one binds loopback again', async () => {
    const zeroDir = path.join(stack.dataDir, 'zero');
    for (const pid of processesIn(zeroDir)) {
      const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      expect(cmdline, `pid ${pid}`).toContain('--require');
      expect(
        cmdline.some((a) => a.endsWith('cache-loopback.cjs')),
        `pid ${pid}`,
      ).toBe(true);
    }

    const pidFile = path.join(zeroDir, 'zero-cache.pid');
    const first = Number(fs.readFileSync(pidFile, 'utf8'));
    process.kill(first, 'SIGKILL');
    await waitFor(
      async () =>
        Number(fs.readFileSync(pidFile, 'utf8')) !== first &&
        (await health(stack.baseUrl))?.status === 200,
      180_000,
      stack.output,
    );
    const { listeners } = stackListeners();
    const { app, zero, changeStreamer } = ports();
    const held = new Set(listeners.map((l) => l.port));
    expect(held).toContain(zero);
    expect(held).toContain(changeStreamer);
    expect(listeners.filter((l) => !isLoopback(l.address)).map((l) => l.port)).toEqual([app]);
  }, 240_000);

  it('a process of zero-cache caught listening beyond loopback stops zero-cache for good and health says sync is down', async () => {
    const zeroDir = path.join(stack.dataDir, 'zero');
    expect((await health(stack.baseUrl))?.status).toBe(200);
    // Stands for a zero-cache worker that escaped the preload: it works in zero-cache's directory
    // and binds every interface. Nothing ever connects to it.
    stray = spawn(
      process.execPath,
      [
        '-e',
        "require('net').createServer().listen(0, '0.0.0.0', function () { console.log(this.address().port) })",
      ],
      { cwd: zeroDir, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const port = await new Promise<number>((resolve) =>
      stray!.stdout!.once('data', (d) => resolve(Number(String(d).trim()))),
    );

    await waitFor(() => stack.output().includes('listening beyond loopback'), 30_000, stack.output);
    expect(stack.output()).toContain(`0.0.0.0:${port} (pid ${stray.pid})`);
    // The supervisor's stop ends with its pid file removed.
    await waitFor(
      () =>
        processesIn(zeroDir).length === 0 && !fs.existsSync(path.join(zeroDir, 'zero-cache.pid')),
      30_000,
      () => 'zero-cache still runs',
    );

    const after = await health(stack.baseUrl);
    expect(after).toMatchObject({ status: 503, body: { db: 'up', sync: 'down' } });
    // Nothing restarts it, and nothing but PORT listens beyond loopback any more.
    const tripped = stack.output().slice(stack.output().indexOf('listening beyond loopback'));
    expect(tripped).not.toContain('restarting');
    const exposed = listenersOf(stackProcesses()).listeners.filter((l) => !isLoopback(l.address));
    expect(exposed.map((l) => l.port)).toEqual([ports().app]);
    expect(processesIn(zeroDir)).toEqual([]);
  });
});
