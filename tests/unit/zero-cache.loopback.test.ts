import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const PRELOAD = fileURLToPath(new URL('../../server/zero/cache-loopback.cjs', import.meta.url));

// Every form of net.Server#listen a library might use, then the same from a forked child, which
// is how zero-cache starts its workers. Each line printed is one bound address.
const SCRIPT = `
const net = require('node:net');
const http = require('node:http');
const { fork } = require('node:child_process');
const forms = [
  (s, cb) => s.listen(0, '::', cb),
  (s, cb) => s.listen(0, '0.0.0.0', cb),
  (s, cb) => s.listen(0, '', cb),
  (s, cb) => s.listen(0, cb),
  (s, cb) => s.listen(cb),
  (s, cb) => s.listen('0', '::', 100, cb),
  (s, cb) => s.listen(0, 100, cb),
  (s, cb) => s.listen({ port: 0, host: '::', ipv6Only: true }, cb),
  (s, cb) => s.listen({ port: 0 }, cb),
  (s, cb) => s.listen({ port: 0, host: undefined }, cb),
  (s, cb) => s.listen({ port: 0, host: '192.0.2.1' }, cb),
  (s, cb) => s.listen(0, '::1', cb),
];
const out = [];
const isChild = process.argv[2] === 'child';
let left = forms.length;
for (const listen of forms) {
  const server = (left % 2 ? http.createServer() : net.createServer());
  server.on('error', (e) => { out.push('error ' + e.code); done(server); });
  listen(server, () => { out.push(server.address().address); done(server); });
}
function done(server) {
  server.close();
  if (--left > 0) return;
  if (isChild) return process.send(out, () => process.exit(0));
  const child = fork(__filename, ['child']);
  child.on('message', (childOut) => {
    console.log(JSON.stringify({ parent: out, child: childOut }));
    process.exit(0);
  });
}
`;

async function boundAddresses(args: string[]) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'refrain-loopback-'));
  const file = path.join(dir, 'listen.cjs');
  fs.writeFileSync(file, SCRIPT);
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [...args, file], {
      env: { PATH: process.env.PATH },
      timeout: 30_000,
    });
    return JSON.parse(stdout) as { parent: string[]; child: string[] };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

it('with the preload, every form of listen binds loopback, in the process and in its forked workers', async () => {
  const { parent, child } = await boundAddresses(['--require', PRELOAD]);
  expect(parent).toHaveLength(12);
  expect(parent.filter((a) => a !== '127.0.0.1')).toEqual(['::1']);
  expect([...child].sort()).toEqual([...parent].sort());
});

it('without it the same calls bind every interface (what zero-cache does on its own)', async () => {
  const { parent } = await boundAddresses([]);
  expect(parent.filter((a) => a === '::' || a === '0.0.0.0').length).toBeGreaterThanOrEqual(8);
});
