import fs from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { ensureClientBuild } from '../server/build/client.ts';
import { ensureServerBuild } from '../server/build/server.mjs';
import { DIST_DIR, ROOT } from '../server/stack.ts';
import { startStack } from '../tests/helpers/stack.ts';

/**
 * Time from `npm start` to a 200 from /api/health: cold (empty DATA_DIR: initdb, migrations,
 * zero-cache's initial sync) and warm (same DATA_DIR again). The PWA and server builds are made
 * beforehand, so this measures the stack, not Vite or esbuild.
 */
export async function run(rounds = 3) {
  await ensureClientBuild(ROOT, DIST_DIR);
  await ensureServerBuild();
  // Start times move with other work on the machine far more than with any change here.
  const loadBefore = os.loadavg()[0]!;
  const cold: number[] = [];
  const warm: number[] = [];
  for (let i = 0; i < rounds; i++) {
    let t = performance.now();
    const first = await startStack();
    cold.push(performance.now() - t);
    const ports = {
      port: Number(first.env.PORT),
      pgPort: Number(first.env.PG_PORT),
      zeroPort: Number(first.env.ZERO_PORT),
    };
    await first.stop();
    t = performance.now();
    const second = await startStack({ dataDir: first.dataDir, ports });
    warm.push(performance.now() - t);
    await second.stop();
    fs.rmSync(first.dataDir, { recursive: true, force: true });
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  return {
    bench: 'startup',
    rounds,
    coldMedianMs: Math.round(median(cold)),
    warmMedianMs: Math.round(median(warm)),
    coldMs: cold.map(Math.round),
    warmMs: warm.map(Math.round),
    load: [loadBefore, os.loadavg()[0]!].map((l) => Math.round(l * 10) / 10),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = await run();
  console.log(
    `startup: cold ${result.coldMedianMs} ms, warm ${result.warmMedianMs} ms (median of ${result.rounds})`,
  );
  console.log(JSON.stringify(result));
}
