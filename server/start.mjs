// `npm start`: the supervisor (server/main.ts) compiled to JavaScript, built first when no build
// is there or a server source changed since (server/build/server.mjs).
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ensureServerBuild, SERVER_BUILD_DIR } from './build/server.mjs';

try {
  await ensureServerBuild();
} catch (err) {
  process.stderr.write(`Refrain cannot start. The server did not build:\n${err?.stack ?? err}\n`);
  process.exit(1);
}
await import(pathToFileURL(path.join(SERVER_BUILD_DIR, 'main.js')).href);
