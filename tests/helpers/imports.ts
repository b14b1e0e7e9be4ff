import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// The repository's own import graph, read from the source text, for tests that hold the code to
// its architecture (layers, what the first load may carry).

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

const SOURCE = /\.(ts|tsx|mts|cts|mjs|cjs)$/;

/** Every source file under `dir` (relative to the repository), migrations aside. */
export function sources(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const rel = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return entry.name === 'migrations' ? [] : sources(rel);
    return SOURCE.test(entry.name) ? [rel] : [];
  });
}

const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');
const resolve = (file: string, specifier: string) =>
  path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier));

/** Every relative import (static, dynamic, require, new URL) of a file, resolved to a path. */
export function importsOf(file: string): string[] {
  const found = read(file).matchAll(
    /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*|new URL\(\s*)['"](\.{1,2}\/[^'"]+)['"]/g,
  );
  return [...found].map((m) => resolve(file, m[1]!));
}

// `X`, `{ a, type B }`, `* as X`, `X, { a }`, `X, * as Y`: what an import or export names.
const CLAUSE = String.raw`(?:[\w$]+\s*,\s*)?(?:\{[^}]*\}|\*(?:\s+as\s+[\w$]+)?|[\w$]+)`;
const STATIC = new RegExp(
  String.raw`^\s*(?:import|export)\s+(type\s+)?(${CLAUSE})\s*from\s*['"]([^'"]+)['"]`,
  'gm',
);
const BARE = /^\s*import\s*['"]([^'"]+)['"]/gm;

/** Whether a clause names only types (`{ type A, type B }`), so the compiled file drops it. */
const onlyTypes = (clause: string) =>
  /^\{[^}]*\}$/.test(clause) &&
  clause
    .slice(1, -1)
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean)
    .every((name) => name.startsWith('type '));

/**
 * What a file loads as soon as it runs: its static imports and re-exports that survive
 * compilation (not `import type`), in source order. Relative ones are resolved to a path from
 * the repository's root; packages are named as written (`zod`, `react-dom/client`).
 */
export function staticLoadsOf(file: string): string[] {
  const text = read(file);
  const loads: { at: number; target: string }[] = [];
  for (const m of text.matchAll(STATIC)) {
    if (m[1] || onlyTypes(m[2]!.trim())) continue;
    loads.push({ at: m.index, target: m[3]! });
  }
  for (const m of text.matchAll(BARE)) loads.push({ at: m.index, target: m[1]! });
  return loads
    .sort((a, b) => a.at - b.at)
    .map(({ target }) => (target.startsWith('.') ? resolve(file, target) : target));
}
