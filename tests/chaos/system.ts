import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { FAST_TIMING } from '../helpers/api-server.ts';
import { freePort } from '../helpers/ports.ts';
import { health, startStack, waitFor, type RunningStack } from '../helpers/stack.ts';
import { startMusicGptStandIn, type MusicGptStandIn } from '../standins/musicgpt.ts';
import type { Prng } from './prng.ts';

/** The checker's own connections carry this name, so a backend purge never ends them. */
export const CHECKER_APP = 'refrain-chaos-checker';

// A restart on a loaded 2-core machine (Postgres, migrations, zero-cache, API) takes tens of seconds.
const RESTART_MS = 180_000;

/** The system under test: one stack of its own on a MusicGPT stand-in, and ways to hurt it. */
export interface System {
  readonly baseUrl: string;
  readonly dataDir: string;
  readonly musicgpt: MusicGptStandIn;
  /** The checker's connection to the stack's own Postgres cluster. */
  readonly sql: postgres.Sql;
  /** SIGKILLs the API and waits until a new one answers health; says how it was restarted. */
  killApi(): Promise<'child' | 'stack'>;
  /** SIGKILLs zero-cache (the server restarts it); false when no live pid was found. */
  killZeroCache(): boolean;
  /** Ends some (or all) of the server's database connections; answers how many. */
  terminateBackends(rng: Prng): Promise<number>;
  /** Waits until the API answers health 200 (Postgres and zero-cache up). */
  waitHealthy(timeoutMs: number): Promise<void>;
  /** Every stack process's output so far, oldest first. */
  output(): string;
  stop(): Promise<void>;
}

function isAlive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.split(') ')[1]?.[0] !== 'Z';
  } catch {
    return false;
  }
}

function readPid(file: string): number | undefined {
  try {
    const pid = Number(fs.readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

export async function startSystem(): Promise<System> {
  const musicgpt = await startMusicGptStandIn();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'refrain-chaos-'));
  const ports = { port: await freePort(), pgPort: await freePort(), zeroPort: await freePort(2) };
  const baseUrl = `http://127.0.0.1:${ports.port}`;
  const env: Record<string, string> = {
    ...FAST_TIMING,
    // This stack is the run's alone, so a slot whose call was lost may time out soon enough to
    // settle within the deadlines; long enough to outlast an API restart on a loaded machine.
    GENERATION_TIMEOUT_MS: '120000',
    MUSIC_PROVIDER: 'musicgpt',
    MUSICGPT_API_KEY: musicgpt.apiKey,
    MUSICGPT_API_URL: musicgpt.url,
    // The stand-in serves its files over plain http on loopback: the one media host to trust.
    MEDIA_TRUSTED_HOSTS: new URL(musicgpt.origin).host,
    // Webhook links name the address the stand-in reaches, the same over every restart.
    PUBLIC_URL: baseUrl,
  };
  const pastOutput: string[] = [];
  let stack: RunningStack;
  try {
    stack = await startStack({ dataDir, ports, env, readyTimeoutMs: RESTART_MS });
  } catch (err) {
    await musicgpt.close();
    throw err;
  }

  // One connection: the checker is then always the backend running its own purge, never a
  // victim of it (a second one still authenticating shows no application name yet).
  const sql = postgres(stack.databaseUrl, {
    max: 1,
    onnotice: () => {},
    connection: { application_name: CHECKER_APP },
  });

  const waitHealthy = (timeoutMs: number) =>
    waitFor(
      async () => (await health(baseUrl))?.status === 200,
      timeoutMs,
      () => `the API did not answer health 200 in time:\n${tail(stack.output())}`,
      200,
    );

  const output = () => [...pastOutput, stack.output()].join('\n--- restart ---\n');

  return {
    baseUrl,
    dataDir,
    musicgpt,
    sql,
    async killApi() {
      const child = readPid(path.join(dataDir, 'api.pid'));
      if (child !== undefined && isAlive(child)) {
        process.kill(child, 'SIGKILL');
        await waitFor(
          async () => !isAlive(child) && (await health(baseUrl))?.status === 200,
          RESTART_MS,
          () => `the API did not come back after SIGKILL of pid ${child}:\n${tail(stack.output())}`,
          200,
        );
        return 'child';
      }
      // No supervised API child: the API is the stack process itself, so it dies with its
      // Postgres and zero-cache orphaned, and a new one must clean up after it.
      const dead = new Promise<void>((resolve) => {
        if (stack.child.exitCode !== null || stack.child.signalCode !== null) resolve();
        else stack.child.once('exit', () => resolve());
      });
      stack.child.kill('SIGKILL');
      await dead;
      pastOutput.push(stack.output());
      stack = await startStack({ dataDir, ports, env, readyTimeoutMs: RESTART_MS });
      return 'stack';
    },
    killZeroCache() {
      const pid = readPid(path.join(dataDir, 'zero', 'zero-cache.pid'));
      if (pid === undefined || !isAlive(pid)) return false;
      try {
        process.kill(pid, 'SIGKILL');
        return true;
      } catch {
        return false;
      }
    },
    async terminateBackends(rng) {
      const rows = await sql<{ pid: number }[]>`
        select pid from pg_stat_activity
        where pid <> pg_backend_pid() and application_name <> ${CHECKER_APP}
          and backend_type in ('client backend', 'walsender')`;
      const victims = rng.chance(0.5) ? rows : rng.sample(rows, rng.between(1, rows.length));
      const pids = victims.map((r) => r.pid);
      const [row] = await sql<{ ended: number }[]>`
        select count(*) filter (where pg_terminate_backend(pid))::int as ended
        from unnest(${pids}::int[]) as pid`;
      return row?.ended ?? 0;
    },
    waitHealthy,
    output,
    async stop() {
      await sql.end({ timeout: 5 }).catch(() => undefined);
      await stack.stop();
      await musicgpt.close();
      // Kept with the data directory when a run fails.
      fs.writeFileSync(path.join(dataDir, 'stack-output.log'), output());
    },
  };
}

export function tail(text: string, lines = 60): string {
  return text.split('\n').slice(-lines).join('\n');
}
