import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';

// The pages' CSP forbids eval, and zod probes for it on its first parse unless told not to. The
// one place that tells it is schema/zod.ts, which must run before any schema exists: so every
// module the browser loads takes zod from there, never from 'zod' itself.

const ROOT = path.resolve(import.meta.dirname, '../..');

function files(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) return files(rel);
    return /\.tsx?$/.test(e.name) ? [rel] : [];
  });
}

it('every module the browser loads takes zod from schema/zod.ts', () => {
  const direct = ['schema', 'client', 'sw']
    .flatMap(files)
    .filter((f) => f !== path.join('schema', 'zod.ts'))
    .filter((f) =>
      /from\s+['"]zod(\/[^'"]*)?['"]/.test(fs.readFileSync(path.join(ROOT, f), 'utf8')),
    );
  expect(direct).toEqual([]);
  // And schema/zod.ts does switch the eval probe off outside Node.
  const zod = fs.readFileSync(path.join(ROOT, 'schema', 'zod.ts'), 'utf8');
  expect(zod).toMatch(/typeof process === 'undefined'\) z\.config\(\{ jitless: true \}\)/);
});
