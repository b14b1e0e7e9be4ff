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

/**
 * What one route module is given: the shared handles it names (D) and only its part of the
 * configuration (C), so a module's signature says everything it can read.
 */
export type RouteDeps<
  D extends Exclude<keyof AppDeps, 'config'> = never,
  C extends keyof Config = never,
> = Pick<AppDeps, D> & { config: Pick<Config, C> };

/** Hono's typing of per-request variables. */
export type AppEnv = {
  Variables: {
    requestId: string;
    ownerId: string;
    /** CSP hashes of inline <style> blocks a server-rendered page carries. */
    styleHashes?: string[];
  };
};
