import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// `npm run bench [name...]`: runs each bench/<name>.ts that exports run(), prints its numbers, and
// writes them all to bench/results/latest.json with the machine they ran on.
const here = path.dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const names = fs
  .readdirSync(here)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts')
  .map((f) => f.replace(/\.ts$/, ''))
  .filter((n) => wanted.length === 0 || wanted.includes(n))
  .sort();

const machine = {
  cpu: os.cpus()[0]?.model ?? 'unknown',
  cores: os.cpus().length,
  memoryGiB: Math.round(os.totalmem() / 2 ** 30),
  node: process.version,
  date: new Date().toISOString().slice(0, 10),
};
console.log(
  `machine: ${machine.cores} × ${machine.cpu}, ${machine.memoryGiB} GiB, Node ${machine.node}`,
);

const results: Record<string, unknown> = {};
for (const name of names) {
  const mod = (await import(`./${name}.ts`)) as { run?: () => Promise<Record<string, unknown>> };
  if (typeof mod.run !== 'function') continue;
  const started = performance.now();
  const result = await mod.run();
  results[name] = result;
  console.log(`\n${name} (${Math.round(performance.now() - started)} ms)`);
  for (const [key, value] of Object.entries(result)) {
    if (key !== 'bench') console.log(`  ${key}: ${JSON.stringify(value)}`);
  }
}

const out = path.join(here, 'results', 'latest.json');
fs.mkdirSync(path.dirname(out), { recursive: true });
const previous = fs.existsSync(out) ? JSON.parse(fs.readFileSync(out, 'utf8')) : {};
fs.writeFileSync(out, `${JSON.stringify({ ...previous, machine, ...results }, null, 2)}\n`);
console.log(`\nwritten to ${path.relative(process.cwd(), out)}`);
