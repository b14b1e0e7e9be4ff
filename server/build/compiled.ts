import path from 'node:path';
import { fileURLToPath } from 'node:url';

// Declared by the first line of every file of the server build (server/build/server.mjs) as
// that file's URL; run from the TypeScript sources, no such name exists.
declare const REFRAIN_SERVER_BUILD: string | undefined;

/** The folder of the compiled server this process runs from; undefined when run from sources. */
export const serverBuildDir: string | undefined =
  typeof REFRAIN_SERVER_BUILD === 'string'
    ? path.dirname(fileURLToPath(REFRAIN_SERVER_BUILD))
    : undefined;
