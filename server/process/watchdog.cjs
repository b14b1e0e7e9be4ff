// Stops Refrain's children when the supervisor that started them dies without stopping them
// (SIGKILL, OOM killer). It runs in a process group of its own, reads what to watch from its
// stdin, and acts when that pipe closes without a final "done": the kernel closes it for any death.
// Plain CommonJS with no imports from the app, so it starts in milliseconds.
'use strict';
const fs = require('node:fs');

const GRACE_MS = 5_000;
const watched = new Map(); // pid -> { group, signal, stage }
const dirs = new Set();
let done = false;
let buffered = '';

process.on('SIGINT', () => {});
process.on('SIGHUP', () => {});

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

function send(pid, group, signal) {
  try {
    process.kill(group ? -pid : pid, signal);
  } catch {}
}

function processesIn(dir) {
  const pids = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cwd = fs.readlinkSync(`/proc/${entry}/cwd`);
      if (cwd === dir || cwd.startsWith(`${dir}/`)) pids.push(Number(entry));
    } catch {}
  }
  return pids;
}

async function waitGone(pids, ms) {
  const deadline = Date.now() + ms;
  while (pids.some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
}

// In stages (zero-cache, the API, then Postgres), so Postgres still serves the others' last
// writes; each stage is asked to stop, then killed after a grace period.
async function stopAll() {
  const stages = [...new Set([...watched.values()].map((w) => w.stage))].sort((a, b) => a - b);
  for (const stage of stages) {
    const here = [...watched].filter(([, w]) => w.stage === stage);
    for (const [pid, w] of here) send(pid, w.group, w.signal);
    await waitGone(
      here.map(([pid]) => pid),
      GRACE_MS,
    );
    for (const [pid, w] of here) send(pid, w.group, 'SIGKILL');
  }
  for (const dir of dirs) for (const pid of processesIn(dir)) send(pid, false, 'SIGKILL');
  process.exit(0);
}

process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  buffered += chunk;
  let nl;
  while ((nl = buffered.indexOf('\n')) >= 0) {
    const line = buffered.slice(0, nl);
    buffered = buffered.slice(nl + 1);
    let msg;
    try {
      msg = JSON.parse(line);
    } catch {
      continue;
    }
    if (msg.watch) watched.set(msg.watch.pid, msg.watch);
    else if (msg.forget) watched.delete(msg.forget);
    else if (msg.dir) dirs.add(msg.dir);
    else if (msg.done) done = true;
  }
});
process.stdin.on('close', () => (done ? process.exit(0) : void stopAll()));
