import { ConfigError, loadConfig } from './config.ts';
import { logger, setLogLevel } from './log.ts';
import { startStack } from './stack.ts';

// `npm start`: one process that owns every part of Refrain and stops them all on SIGINT/SIGTERM.
const log = logger('refrain');

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
let stopping = false;

// A signal during start-up waits for the start to settle, then stops whatever came up.
const shutdown = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  log.info('stopping', { signal });
  const stack = await starting.catch(() => undefined);
  await stack?.stop();
  process.exit(0);
};
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));

starting.then(
  (stack) => {
    if (!stopping)
      process.stdout.write(`Refrain is ready at ${stack.url} (${Date.now() - started} ms)\n`);
  },
  (err) => {
    if (stopping) return;
    fail(err instanceof ConfigError ? err.message : String(err?.stack ?? err), 1);
  },
);
