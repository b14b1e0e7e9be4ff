import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BUILD_STAMP, builtMode, isBuildStale } from '../../server/build/client.ts';

// A build records its mode; only a production build newer than its sources is current, so a
// build the tests made under NODE_ENV=test, or one made by hand in development mode, is never
// what `npm start` serves.

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** A checkout with one source file and a build made after it, stamped with `mode`. */
function checkout(mode?: string | null) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'refrain-build-'));
  dirs.push(root);
  fs.mkdirSync(path.join(root, 'client'));
  fs.writeFileSync(path.join(root, 'client', 'main.tsx'), '');
  const past = new Date(Date.now() - 60_000);
  fs.utimesSync(path.join(root, 'client', 'main.tsx'), past, past);
  fs.utimesSync(path.join(root, 'client'), past, past);
  const dist = path.join(root, 'dist');
  fs.mkdirSync(dist);
  fs.writeFileSync(path.join(dist, 'index.html'), '<!doctype html>');
  if (mode !== undefined) {
    fs.writeFileSync(
      path.join(dist, BUILD_STAMP),
      mode === null ? '{oops' : JSON.stringify({ mode }),
    );
  }
  return { root, dist };
}

describe('whether the PWA build is current', () => {
  it('is current when production-built after its sources', () => {
    const { root, dist } = checkout('production');
    expect(builtMode(dist)).toBe('production');
    expect(isBuildStale(root, dist)).toBe(false);
  });

  it('is stale when built in another mode, unstamped, or stamped with nonsense', () => {
    for (const mode of ['test', 'development', undefined, null]) {
      const { root, dist } = checkout(mode);
      expect(isBuildStale(root, dist), String(mode)).toBe(true);
    }
  });

  it('is stale when a source changed after it', () => {
    const { root, dist } = checkout('production');
    fs.writeFileSync(path.join(root, 'client', 'main.tsx'), 'changed');
    const future = new Date(Date.now() + 60_000);
    fs.utimesSync(path.join(root, 'client', 'main.tsx'), future, future);
    expect(isBuildStale(root, dist)).toBe(true);
  });

  it('is stale when there is no build at all', () => {
    const { root, dist } = checkout('production');
    fs.rmSync(path.join(dist, 'index.html'));
    expect(isBuildStale(root, dist)).toBe(true);
  });
});
