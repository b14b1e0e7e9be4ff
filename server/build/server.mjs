// The server compiled to JavaScript, built once like the PWA and again when a source changes.
// Plain JavaScript because `npm start` runs it before anything can compile TypeScript: loading
// tsx and compiling every module cost the supervisor and each API start seconds of CPU.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** One level below the checkout, like the sources: see `sourceUrls`. */
export const SERVER_BUILD_DIR = path.join(ROOT, 'dist-server');
export const SERVER_BUILD_STAMP = 'build.json';

/** What runs compiled: the supervisor, the API process, the engine's render worker. */
export const SERVER_ENTRIES = {
  main: 'server/main.ts',
  api: 'server/api.ts',
  'engine-worker': 'server/engine/worker.ts',
};

/** Inputs of the server build: a change to any of them makes the build stale. */
const SOURCES = ['server', 'schema', 'package.json', 'package-lock.json', 'tsconfig.json'];

function newestMtime(entry) {
  const stat = fs.statSync(entry, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const child of fs.readdirSync(entry)) {
    newest = Math.max(newest, newestMtime(path.join(entry, child)));
  }
  return newest;
}

/** The newest modification time among the sources: a file or folder changed since moves it. */
function sourcesChangedAt(root) {
  return Math.max(...SOURCES.map((s) => newestMtime(path.join(root, s))));
}

/** The sources' change time the build in `outDir` was made from, if it finished. */
function builtFrom(outDir) {
  try {
    const stamp = JSON.parse(fs.readFileSync(path.join(outDir, SERVER_BUILD_STAMP), 'utf8'));
    return typeof stamp?.sourcesChangedAtMs === 'number' ? stamp.sourcesChangedAtMs : undefined;
  } catch {
    return undefined;
  }
}

/** Whether `outDir` is missing an entry, unstamped, or made from sources that changed since. */
export function isServerBuildStale(root = ROOT, outDir = SERVER_BUILD_DIR) {
  const from = builtFrom(outDir);
  if (from === undefined) return true;
  if (Object.keys(SERVER_ENTRIES).some((name) => !fs.existsSync(path.join(outDir, `${name}.js`))))
    return true;
  // Not "newer than the build": a source dated in the future (a clock set later, an unpacked
  // archive) would then make every start build again.
  return sourcesChangedAt(root) !== from;
}

const LOCK_STALE_MS = 5 * 60_000;

/** Holds `<outDir>.lock` while `fn` runs: several servers started at once build once. */
async function withBuildLock(outDir, fn) {
  const lock = `${outDir}.lock`;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      // A builder killed mid-build leaves its lock behind; no build takes this long.
      const age = Date.now() - (fs.statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? 0);
      if (age > LOCK_STALE_MS) fs.rmSync(lock, { recursive: true, force: true });
      else await new Promise((r) => setTimeout(r, 100));
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * Each module's `import.meta.url` made the URL of its source file again, so the files it finds
 * beside itself (migrations, the watchdog and loopback scripts, the MP3 encoder's WebAssembly,
 * dist/) are found where they are in the checkout. The bundle sits one folder deep, as the
 * sources do under the checkout, so the URL is relative and the checkout can move.
 */
function sourceUrls(root, outDir) {
  return {
    name: 'source-urls',
    setup(build) {
      build.onLoad({ filter: /\.ts$/ }, async (args) => {
        const text = await fs.promises.readFile(args.path, 'utf8');
        const fromOut = path.relative(outDir, args.path).split(path.sep).join('/');
        const url = `new URL(${JSON.stringify(fromOut)}, import.meta.url).href`;
        return { contents: text.replaceAll('import.meta.url', url), loader: 'ts' };
      });
    },
  };
}

// A server started from an earlier build loads its chunks on first use, maybe hours later.
const CHUNK_KEPT_MS = 24 * 60 * 60_000;

/** Chunks of earlier builds (their names carry a hash of their content), once surely unused. */
function removeOldChunks(outDir, current) {
  for (const name of fs.readdirSync(outDir)) {
    const file = path.join(outDir, name);
    if (current.has(file) || !/-[A-Z0-9]{8}\.js$/.test(name)) continue;
    const age = Date.now() - (fs.statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
    if (age > CHUNK_KEPT_MS) fs.rmSync(file, { force: true });
  }
}

/** esbuild's bundle of each entry into `outDir`, each file replaced whole, then the stamp. */
async function build(root, outDir, log) {
  log('building the server (sources changed or no build yet)');
  const started = Date.now();
  // Read before the sources are: a change made during the build makes the next start build again.
  const sourcesChangedAtMs = sourcesChangedAt(root);
  const { build: esbuild } = await import('esbuild');
  const result = await esbuild({
    absWorkingDir: root,
    entryPoints: Object.fromEntries(
      Object.entries(SERVER_ENTRIES).map(([name, file]) => [name, path.join(root, file)]),
    ),
    outdir: outDir,
    bundle: true,
    // Packages load from node_modules as they do from the sources; only Refrain's code is bundled.
    packages: 'external',
    // A module imported on first use (the engine, with its SoundFont synthesiser and dictionary)
    // stays a file of its own, loaded then, not at every start. Chunks sit beside the entries,
    // one folder deep like them (see sourceUrls).
    splitting: true,
    chunkNames: '[name]-[hash]',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // Tells server/build/compiled.ts that this is the build and where it is.
    banner: { js: 'const REFRAIN_SERVER_BUILD = import.meta.url;' },
    plugins: [sourceUrls(root, outDir)],
    write: false,
    logLevel: 'warning',
  });
  fs.mkdirSync(outDir, { recursive: true });
  // Renamed into place, so a server starting meanwhile reads the old file or the new, never half.
  for (const file of result.outputFiles) {
    const partial = `${file.path}.${process.pid}.tmp`;
    fs.writeFileSync(partial, file.contents);
    fs.renameSync(partial, file.path);
  }
  removeOldChunks(outDir, new Set(result.outputFiles.map((f) => f.path)));
  // Written last: a build cut short leaves no stamp and is made again.
  fs.writeFileSync(
    path.join(outDir, SERVER_BUILD_STAMP),
    JSON.stringify({ sourcesChangedAtMs, builtAt: new Date().toISOString() }),
  );
  log(`built the server (${Date.now() - started} ms)`);
}

/** Builds the server when stale; a no-op otherwise. One build at a time per output folder. */
export async function ensureServerBuild(
  root = ROOT,
  outDir = SERVER_BUILD_DIR,
  log = (message) => process.stdout.write(`${new Date().toISOString()} info  build: ${message}\n`),
) {
  if (!isServerBuildStale(root, outDir)) return;
  await withBuildLock(outDir, async () => {
    // Another process may have built it while this one waited.
    if (!isServerBuildStale(root, outDir)) return;
    await build(root, outDir, log);
  });
}
