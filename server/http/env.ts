import type { Sql } from 'postgres';
import type { TokenSigner } from '../auth/token.ts';
import type { Config } from '../config.ts';

/** What request handlers are given; built once at start-up by server/api.ts. */
export interface AppDeps {
  config: Config;
  sql: Sql;
  tokens: TokenSigner;
  /** Whether zero-cache answers its readiness check right now. */
  isSyncUp: () => Promise<boolean>;
  /** The built PWA, or undefined when the API runs without it. */
  distDir?: string;
}

/** Hono's typing of per-request variables. */
export type AppEnv = {
  Variables: {
    requestId: string;
    ownerId: string;
    /** CSP hashes of inline <style> blocks a server-rendered page carries. */
    styleHashes?: string[];
  };
};
