import { loadConfig } from './config.ts';
import { connect } from './db/database.ts';
import { logger, setLogLevel } from './log.ts';
import { startService } from './service.ts';

// The API process, started and restarted by the supervisor (server/main.ts) with DATABASE_URL
// set to a migrated database. Whatever kills it costs a restart, never the whole installation.
const log = logger('api');
const config = loadConfig();
setLogLevel(config.logLevel);

// A promise nobody awaited that rejects is logged; it does not take every request down with it.
process.on('unhandledRejection', (reason) => {
  log.error('unhandled rejection', { error: String((reason as Error)?.stack ?? reason) });
});
// State after an uncaught exception is unknown: leave, and let the supervisor start a clean one.
process.on('uncaughtException', (err) => {
  log.error('uncaught exception; exiting for a clean restart', {
    error: String(err?.stack ?? err),
  });
  process.exit(70);
});

const sql = connect(config.databaseUrl!);
const starting = startService(config, sql);
let stopping = false;

// The supervisor sends SIGTERM and kills the group after its grace period; the deadline here
// makes this process leave on its own first, whatever is still in flight.
const STOP_DEADLINE_MS = 5_000;
const stop = async (why: string) => {
  if (stopping) process.exit(1);
  stopping = true;
  log.info('stopping', { why });
  setTimeout(() => process.exit(0), STOP_DEADLINE_MS).unref();
  const service = await starting.catch(() => undefined);
  await service?.stop();
  await sql.end({ timeout: 2 }).catch(() => undefined);
  process.exit(0);
};
process.on('SIGTERM', () => void stop('SIGTERM'));
process.on('SIGINT', () => void stop('SIGINT'));

// A supervisor that died without stopping this process leaves it to a new parent: leave too.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) void stop('supervisor gone');
}, 1_000).unref();

starting.catch((err) => {
  log.error('could not start', { error: String(err?.stack ?? err) });
  process.exit(1);
});
