import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { Rate } from '../config.ts';
import type { AppEnv, RouteDeps } from '../http/env.ts';
import { clientAddress } from './address.ts';
import { fixedWindow, take } from './store.ts';
import { inAbout, retryAfterSeconds } from './wording.ts';

/** A refused request: how long to wait, and the sentence the app shows. */
export interface Refusal {
  retryAfterMs: number;
  message: string;
}

/** The one shape of every 429: Retry-After in seconds, and a body the app can show as is. */
export function tooMany(c: Context<AppEnv>, refusal: Refusal, extra: Record<string, unknown> = {}) {
  c.header('retry-after', retryAfterSeconds(refusal.retryAfterMs));
  return c.json(
    {
      error: refusal.message,
      retryAfterMs: refusal.retryAfterMs,
      ...extra,
      requestId: c.get('requestId'),
    },
    429,
  );
}

/**
 * Lets at most `rate` requests per client address through (see clientAddress), counted in
 * Postgres so every API process shares one budget. `sentence` gets "in about 4 minutes".
 */
export function limitPerAddress(
  deps: RouteDeps<'sql', 'trustProxyHops' | 'limits'>,
  name: string,
  rate: Rate,
  sentence: (when: string) => string,
) {
  const limiter = fixedWindow(deps.sql, name, rate, { sweep: true });
  return createMiddleware<AppEnv>(async (c, next) => {
    const address = clientAddress(c, deps.config.trustProxyHops);
    const waitMs = await take(limiter, address);
    if (waitMs !== undefined)
      return tooMany(c, { retryAfterMs: waitMs, message: sentence(inAbout(waitMs)) });
    await next();
  });
}

/** POST /api/session: new guests per address (RATE_SESSIONS_PER_IP). */
export const newGuestLimit = (deps: RouteDeps<'sql', 'trustProxyHops' | 'limits'>) =>
  limitPerAddress(
    deps,
    'sessions',
    deps.config.limits.sessionsPerIp,
    (when) => `Too many new visitors from your network right now; try again ${when}.`,
  );

/** POST /api/resume-codes/redeem: tries per address, right or wrong (RATE_RESUME_REDEEMS_PER_IP). */
export const resumeRedeemLimit = (deps: RouteDeps<'sql', 'trustProxyHops' | 'limits'>) =>
  limitPerAddress(
    deps,
    'resume-redeems',
    deps.config.limits.resumeRedeemsPerIp,
    (when) =>
      `Too many tries to continue on another device from your network right now; try again ${when}.`,
  );
