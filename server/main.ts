import { ConfigError, loadConfig } from './config.ts';
import { slowPoint } from './faults.ts';
import { logger, setLogLevel } from './log.ts';
import { startStack } from './stack.ts';

// `npm start`: the supervisor. It owns every part of Refrain (Postgres, the API, zero-cache),
// restarts any that dies, and stops them all on SIGINT/SIGTERM: in order within 10 s, or at once
// on a second signal.
const log = logger('refrain');
const STOP_DEADLINE_MS = 10_000;

function fail(message: string, code: number): never {
  process.stderr.write(`Refrain cannot start. ${message}\n`);
  process.exit(code);
}

let config;
try {
  config = loadConfig();
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  fail(`${err.message}\nSee README.md, "Configuration".`, 2);
}
setLogLevel(config.logLevel);

const started = Date.now();
const starting = startStack(config);
let running: Awaited<typeof starting> | undefined;
let stopping = false;

// A terminal's Ctrl-C can arrive twice within moments (from the terminal and relayed by a
// wrapper such as npm); only a signal this long after the first means "stop now".
const SECOND_SIGNAL_AFTER_MS = 500;
let firstSignalAt = 0;

// A signal during start-up waits for the start to settle, then stops whatever came up.
const shutdown = async (why: string) => {
  if (stopping) {
    if (Date.now() - firstSignalAt < SECOND_SIGNAL_AFTER_MS) return;
    // Parts of a start still under way are stopped by the watchdog once this process is gone.
    log.warn('stopping now', { why });
    running?.kill();
    process.exit(130);
  }
  stopping = true;
  firstSignalAt = Date.now();
  log.info('stopping', { why });
  const deadline = setTimeout(() => {
    log.warn('parts still running after the stop deadline; killing them', {
      deadlineMs: STOP_DEADLINE_MS,
    });
    running?.kill();
    process.exit(1);
  }, STOP_DEADLINE_MS);
  const stack = await starting.catch(() => undefined);
  await slowPoint('slow-stop', 5_000);
  await stack?.stop();
  clearTimeout(deadline);
  process.exit(0);
};
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGHUP', () => void shutdown('SIGHUP'));

// Whoever started this process died without stopping it (a killed terminal, a killed test run):
// nobody is left to stop it, so it stops itself.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) void shutdown('parent gone');
}, 1_000).unref();

starting.then(
  (stack) => {
    running = stack;
    if (!stopping)
      process.stdout.write(`Refrain is ready at ${stack.url} (${Date.now() - started} ms)\n`);
  },
  (err) => {
    if (stopping) return;
    fail(err instanceof ConfigError ? err.message : String(err?.stack ?? err), 1);
  },
);
