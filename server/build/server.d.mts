// Types of server.mjs, which is plain JavaScript so that `npm start` can run it first.

export const ROOT: string;
export const SERVER_BUILD_DIR: string;
export const SERVER_BUILD_STAMP: string;
export const SERVER_ENTRIES: Record<string, string>;

/** Whether `outDir` is missing an entry, unstamped, or made from sources that changed since. */
export function isServerBuildStale(root?: string, outDir?: string): boolean;

/** Builds the server when stale; a no-op otherwise. One build at a time per output folder. */
export function ensureServerBuild(
  root?: string,
  outDir?: string,
  log?: (message: string) => void,
): Promise<void>;
