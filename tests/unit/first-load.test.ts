import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DATABASE_NAME } from '../../client/data/database-name.ts';
import { ROOT } from '../helpers/stack.ts';
import { sources, staticLoadsOf } from '../helpers/imports.ts';

// The JavaScript a phone fetches before Home shows is held to a budget (bench/lighthouse.ts,
// docs/client.md). zod alone would be a tenth of it, so the modules the first load runs reach no
// zod: whatever needs it is loaded with import(), through client/data/schemas.ts.

const ENTRY = 'client/main.tsx';
const GATEWAY = 'client/data/schemas.ts';

const isZod = (target: string) => target === 'zod' || target.startsWith('zod/');
const isOwnSource = (target: string) => /^(client|schema)\/.*\.tsx?$/.test(target);

/** Every module of client/ and schema/ that `entry` runs, with the chain that brings it in. */
function firstLoadOf(entry: string): Map<string, string[]> {
  const chains = new Map([[entry, [entry]]]);
  const queue = [entry];
  for (let file = queue.shift(); file; file = queue.shift()) {
    for (const target of staticLoadsOf(file).filter(isOwnSource)) {
      if (chains.has(target)) continue;
      chains.set(target, [...chains.get(file)!, target]);
      queue.push(target);
    }
  }
  return chains;
}

/** Whether running `file` runs zod: it, or a module of ours it statically loads, imports zod. */
function bringsZod(file: string): boolean {
  return [...firstLoadOf(file).keys()].some((module) => staticLoadsOf(module).some(isZod));
}

describe('the first load carries no zod', () => {
  const firstLoad = firstLoadOf(ENTRY);

  it('follows the imports from client/main.tsx through the app and schema/', () => {
    expect(firstLoad.has('client/screens/Home.tsx')).toBe(true);
    expect(firstLoad.has('client/data/outbox.ts')).toBe(true);
    expect(firstLoad.has('schema/draft-fields.ts')).toBe(true);
    // import() is not part of the first load: the lazy screens are not reached.
    expect(firstLoad.has('client/screens/Compose.tsx')).toBe(false);
  });

  it('has no module that imports zod among those client/main.tsx runs', () => {
    const reaching = [...firstLoad]
      .filter(([module]) => staticLoadsOf(module).some(isZod))
      .map(([, chain]) => [...chain, 'zod'].join(' -> '));
    expect(reaching).toEqual([]);
  });

  it('reaches zod-built schemas in the browser only through client/data/schemas.ts', () => {
    const others = sources('client').filter((file) => file !== GATEWAY);
    const direct = others.flatMap((file) =>
      staticLoadsOf(file)
        .filter((target) => isZod(target) || (target.startsWith('schema/') && bringsZod(target)))
        .map((target) => `${file} -> ${target}`),
    );
    expect(direct).toEqual([]);
  });
});

describe('the first load carries no live sync', () => {
  // Zero is two fifths of the app's JavaScript: Home paints and runs without it, and it comes
  // with import() (client/ui/live-sync.ts) once the first screen is up.
  const isZero = (target: string) =>
    target === '@rocicorp/zero' || target.startsWith('@rocicorp/zero/');

  it('has no module that imports Zero among those client/main.tsx runs', () => {
    const reaching = [...firstLoadOf(ENTRY)]
      .filter(([module]) => staticLoadsOf(module).some(isZero))
      .map(([, chain]) => [...chain, '@rocicorp/zero'].join(' -> '));
    expect(reaching).toEqual([]);
  });

  it('still reaches Zero through live sync, which the app loads with import()', () => {
    expect(staticLoadsOf('client/ui/live-sync.ts').some(isZero)).toBe(true);
    expect(firstLoadOf(ENTRY).has('client/ui/live-sync.ts')).toBe(false);
  });
});

describe('what the page runs first (client/start.ts)', () => {
  const start = fs.readFileSync(path.join(ROOT, 'client/start.ts'), 'utf8');

  it('imports nothing of the app but with import(), so the app starts when it decides', () => {
    expect(firstLoadOf('client/start.ts').size).toBe(1);
  });

  it('looks for the database under the name the app gives it', () => {
    expect(start).toContain(`const DATABASE_NAME = '${DATABASE_NAME}';`);
  });
});
