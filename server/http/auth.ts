import { createMiddleware } from 'hono/factory';
import { bearerToken } from '../auth/token.ts';
import type { AppDeps, AppEnv } from './env.ts';
import { httpError } from './errors.ts';

/** Lets a request through only with a valid session token; sets `ownerId` from it. */
export function requireOwner(deps: AppDeps) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const token = bearerToken(c.req.header('authorization'));
    if (!token)
      throw httpError(401, 'missing Authorization: Bearer <token>; get one from POST /api/session');
    const ownerId = await deps.tokens.verify(token);
    if (!ownerId)
      throw httpError(401, 'invalid or expired token; get a new one from POST /api/session');
    c.set('ownerId', ownerId);
    await next();
  });
}
