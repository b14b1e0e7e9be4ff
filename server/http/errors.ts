import type { ErrorHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { z } from 'zod';
import { logger } from '../log.ts';
import type { AppEnv } from './env.ts';

const log = logger('http');

/** A 4xx with a message a person can act on. */
export function httpError(
  status: 400 | 401 | 402 | 403 | 404 | 409 | 410 | 413 | 422,
  message: string,
) {
  return new HTTPException(status, { message });
}

/** The one place errors become answers: 4xx say what was wrong, 5xx only carry a request id. */
export const onError: ErrorHandler<AppEnv> = (err, c) => {
  const requestId = c.get('requestId');
  if (err instanceof HTTPException) {
    return c.json({ error: err.message, requestId }, err.status);
  }
  if (err instanceof z.ZodError) {
    return c.json({ error: z.prettifyError(err), requestId }, 400);
  }
  log.error('unhandled', { requestId, path: c.req.path, error: String(err?.stack ?? err) });
  return c.json({ error: 'internal error', requestId }, 500);
};
