import type { ErrorHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { z } from 'zod';
import { isTransient } from '../db/transient.ts';
import { REFUSAL_STATUS, Refusal } from '../errors.ts';
import { logger } from '../log.ts';
import type { AppEnv } from './env.ts';

const log = logger('http');

/** How long a client waits before sending a request again after a 503. */
export const RETRY_AFTER_MS = 1_000;

/**
 * A 503: nothing is wrong with the request; the same request is answered after Retry-After. Not a
 * Refusal: nothing was refused, and an op must never be rejected for it.
 */
export function unavailable(
  message = 'The server lost its database connection for a moment. Try again in a moment.',
  cause?: unknown,
) {
  return new HTTPException(503, { message, cause });
}

/**
 * The one place errors become answers: a refusal says what was wrong with the status of its code,
 * a lost database connection is a 503 with Retry-After, other 5xx only carry a request id.
 */
export const onError: ErrorHandler<AppEnv> = (err, c) => {
  const requestId = c.get('requestId');
  if (err instanceof Refusal) {
    return c.json({ error: err.message, requestId }, REFUSAL_STATUS[err.code]);
  }
  const answer =
    !(err instanceof HTTPException) && isTransient(err) ? unavailable(undefined, err) : err;
  if (answer instanceof HTTPException && answer.status === 503) {
    log.warn('unavailable', {
      requestId,
      path: c.req.path,
      cause: String((answer.cause as Error)?.message ?? answer.cause ?? answer.message),
    });
    c.header('retry-after', String(Math.ceil(RETRY_AFTER_MS / 1000)));
    return c.json({ error: answer.message, requestId, retryAfterMs: RETRY_AFTER_MS }, 503);
  }
  // Hono's own middleware and request helpers throw these.
  if (answer instanceof HTTPException) {
    return c.json({ error: answer.message, requestId }, answer.status);
  }
  if (err instanceof z.ZodError) {
    return c.json({ error: z.prettifyError(err), requestId }, 400);
  }
  log.error('unhandled', { requestId, path: c.req.path, error: String(err?.stack ?? err) });
  return c.json({ error: 'internal error', requestId }, 500);
};
