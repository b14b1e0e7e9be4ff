import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ensureServerBuild,
  isServerBuildStale,
  SERVER_BUILD_STAMP,
  SERVER_ENTRIES,
} from '../../server/build/server.mjs';

// `npm start` runs the server compiled; a build older than any server source is made again, so
// what runs is always what the sources say.

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** A checkout whose every entry exports its `version` and where its source file lies. */
function checkout() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'refrain-server-build-'));
  dirs.push(root);
  for (const file of Object.values(SERVER_ENTRIES)) write(root, file, 1);
  const past = new Date(Date.now() - 60_000);
  for (const file of Object.values(SERVER_ENTRIES)) {
    fs.utimesSync(path.join(root, file), past, past);
  }
  return { root, out: path.join(root, 'dist-server') };
}

function write(root: string, file: string, version: number) {
  fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
  fs.writeFileSync(
    path.join(root, file),
    `export const version: number = ${version};\nexport const source = import.meta.url;\n`,
  );
}

/** Imports a built entry afresh (a query string defeats the module cache). */
async function load(out: string, name: string, tag: string) {
  const url = `${pathToFileURL(path.join(out, `${name}.js`)).href}?${tag}`;
  return (await import(url)) as { version: number; source: string };
}

const quiet = () => {};

describe('the compiled server', () => {
  it('is built when there is none, and then current', async () => {
    const { root, out } = checkout();
    expect(isServerBuildStale(root, out)).toBe(true);
    await ensureServerBuild(root, out, quiet);
    expect(isServerBuildStale(root, out)).toBe(false);
    const api = await load(out, 'api', 'first');
    expect(api.version).toBe(1);
    // Each module still finds the files beside its source, wherever the bundle is.
    expect(api.source).toBe(pathToFileURL(path.join(root, 'server', 'api.ts')).href);
  });

  it('is rebuilt when a server source changed after it', async () => {
    const { root, out } = checkout();
    await ensureServerBuild(root, out, quiet);
    write(root, 'server/api.ts', 2);
    const future = new Date(Date.now() + 60_000);
    fs.utimesSync(path.join(root, 'server/api.ts'), future, future);
    expect(isServerBuildStale(root, out)).toBe(true);
    await ensureServerBuild(root, out, quiet);
    expect(isServerBuildStale(root, out)).toBe(false);
    expect((await load(out, 'api', 'second')).version).toBe(2);
  });

  it('is rebuilt when a new file appears among the sources', async () => {
    const { root, out } = checkout();
    await ensureServerBuild(root, out, quiet);
    const future = new Date(Date.now() + 60_000);
    fs.mkdirSync(path.join(root, 'schema'));
    fs.writeFileSync(path.join(root, 'schema', 'new.ts'), 'export {};\n');
    fs.utimesSync(path.join(root, 'schema', 'new.ts'), future, future);
    expect(isServerBuildStale(root, out)).toBe(true);
  });

  it('is stale when a build was cut short: no stamp, or an entry missing', async () => {
    const { root, out } = checkout();
    await ensureServerBuild(root, out, quiet);
    fs.rmSync(path.join(out, 'engine-worker.js'));
    expect(isServerBuildStale(root, out)).toBe(true);
    await ensureServerBuild(root, out, quiet);
    fs.rmSync(path.join(out, SERVER_BUILD_STAMP));
    expect(isServerBuildStale(root, out)).toBe(true);
  });

  it('is built once when several servers start at the same moment', async () => {
    const { root, out } = checkout();
    const builds: string[] = [];
    await Promise.all(
      [1, 2, 3].map(() => ensureServerBuild(root, out, (message) => builds.push(message))),
    );
    expect(builds.filter((m) => m.startsWith('building'))).toHaveLength(1);
    expect(isServerBuildStale(root, out)).toBe(false);
  });
});
