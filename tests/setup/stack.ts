import fs from 'node:fs';
import type { TestProject } from 'vitest/node';
import { ensureClientBuild } from '../../server/build/client.ts';
import { DIST_DIR, ROOT } from '../../server/stack.ts';
import { startStack, type RunningStack } from '../helpers/stack.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    stack: { baseUrl: string; dataDir: string; databaseUrl: string; zeroUrl: string };
  }
}

// One real stack for the whole run: embedded Postgres, migrations, zero-cache and the API, all
// started by server/main.ts exactly as `npm start` starts them.
let stack: RunningStack | undefined;

export async function setup(project: TestProject) {
  await ensureClientBuild(ROOT, DIST_DIR);
  // Generous: a first start creates the cluster, and CI machines are not always quiet.
  stack = await startStack({ readyTimeoutMs: 240_000 });
  project.provide('stack', {
    baseUrl: stack.baseUrl,
    dataDir: stack.dataDir,
    databaseUrl: stack.databaseUrl,
    zeroUrl: stack.zeroUrl,
  });
}

export async function teardown() {
  if (!stack) return;
  await stack.stop();
  fs.rmSync(stack.dataDir, { recursive: true, force: true });
}
