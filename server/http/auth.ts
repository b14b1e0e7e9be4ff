import { createMiddleware } from 'hono/factory';
import { bearerToken } from '../auth/token.ts';
import { Refusal } from '../errors.ts';
import type { AppEnv, RouteDeps } from './env.ts';

/** Lets a request through only with a valid session token; sets `ownerId` from it. */
export function requireOwner(deps: RouteDeps<'tokens'>) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const token = bearerToken(c.req.header('authorization'));
    if (!token)
      throw new Refusal(
        'unauthorized',
        'missing Authorization: Bearer <token>; get one from POST /api/session',
      );
    const ownerId = await deps.tokens.verify(token);
    if (!ownerId)
      throw new Refusal(
        'unauthorized',
        'this device is no longer signed in (the sign-in expired, or someone chose "sign out everywhere"); continue with a link from a signed-in device, or start again',
      );
    c.set('ownerId', ownerId);
    await next();
  });
}
