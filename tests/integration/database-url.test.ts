import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { startEmbeddedCluster, type EmbeddedCluster } from '../../server/db/embedded.ts';
import { freePort } from '../helpers/ports.ts';
import { ROOT } from '../helpers/stack.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'refrain-replica-'));
let cluster: EmbeddedCluster | undefined;
afterAll(async () => {
  await cluster?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

it('a DATABASE_URL whose server is not wal_level=logical stops the start, saying so', async () => {
  // A later -c wins: this server runs with the default replica level.
  cluster = await startEmbeddedCluster(path.join(dir, 'pg'), await freePort(), {
    extraFlags: ['-c', 'wal_level=replica'],
  });
  const run = spawnSync(process.execPath, ['server/start.mjs'], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: cluster.url('postgres'),
      DATA_DIR: path.join(dir, 'data'),
      PORT: String(await freePort()),
    },
    encoding: 'utf8',
    timeout: 60_000,
  });
  expect(run.status).toBe(1);
  expect(run.stderr).toMatch(
    /DATABASE_URL: the server runs with wal_level=replica; live sync needs wal_level=logical/,
  );
});
