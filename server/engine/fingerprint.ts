// What the engine's output depends on, as one hash, for anything kept from a render (Home's
// sample songs): the engine is deterministic, so the same request renders byte-identical files
// for as long as this stays the same. It covers the text of every file a render worker runs,
// followed from worker-entry.mjs through relative imports and `new URL(…)` references (the MP3
// encoder's WebAssembly among them), and the installed version of every package the app depends
// on: more than the engine imports (the SoundFont is read by package name, not imported), so
// that no package it reads is ever missed. A change that would not change a note (a comment)
// still changes the hash; the cost is one render more, never a stale file.

import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ENTRY = fileURLToPath(new URL('./worker-entry.mjs', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const REFERENCE =
  /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|new URL\(\s*)['"](\.{1,2}\/[^'"]+)['"]/g;
const SOURCE = /\.(ts|mts|mjs|js)$/;

let fingerprint: Promise<string> | undefined;

/** A hash that changes whenever the engine could render a request differently. */
export function engineFingerprint(): Promise<string> {
  if (!fingerprint) {
    fingerprint = compute();
    // A failed read (a file mid-replacement by a deploy) is tried again by the next caller.
    fingerprint.catch(() => (fingerprint = undefined));
  }
  return fingerprint;
}

async function compute(): Promise<string> {
  const hash = createHash('sha256');
  for (const file of await engineFiles()) {
    hash.update(`${file}\0`);
    hash.update(await fs.readFile(path.join(ROOT, file)));
  }
  for (const [name, version] of await installedVersions()) hash.update(`${name}@${version}\0`);
  return hash.digest('hex');
}

/** Every file a render worker runs or reads, relative to the repository, sorted. */
export async function engineFiles(): Promise<string[]> {
  const seen = new Set([ENTRY]);
  const queue = [ENTRY];
  for (let file = queue.shift(); file; file = queue.shift()) {
    if (!SOURCE.test(file)) continue;
    const text = await fs.readFile(file, 'utf8');
    for (const [, ref] of text.matchAll(REFERENCE)) {
      const target = path.resolve(path.dirname(file), ref!);
      if (seen.has(target)) continue;
      seen.add(target);
      queue.push(target);
    }
  }
  return [...seen].map((file) => path.relative(ROOT, file)).sort();
}

/** Every dependency of package.json with the version installed (not the range asked for). */
async function installedVersions(): Promise<[string, string][]> {
  const manifest = JSON.parse(await fs.readFile(path.join(ROOT, 'package.json'), 'utf8')) as {
    dependencies?: Record<string, string>;
  };
  const names = Object.keys(manifest.dependencies ?? {}).sort();
  return Promise.all(
    names.map(async (name): Promise<[string, string]> => {
      try {
        const installed = path.join(ROOT, 'node_modules', name, 'package.json');
        const { version } = JSON.parse(await fs.readFile(installed, 'utf8')) as {
          version?: string;
        };
        return [name, version ?? 'unknown'];
      } catch {
        return [name, 'missing'];
      }
    }),
  );
}
