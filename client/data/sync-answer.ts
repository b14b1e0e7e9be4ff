import type { OpResult, SyncResponse } from '../../schema/ops.ts';
import type { OutboxOp } from './db.ts';

/** A request that has not been answered by then is a failed try (the server may hang on it). */
export const REQUEST_TIMEOUT_MS = 30_000;
const HEALTH_TIMEOUT_MS = 10_000;
// When a 429 names no wait of its own.
const DEFAULT_LIMIT_WAIT_MS = 60_000;

/** What POST /api/sync answered, as a value the outbox must look at. */
export type SyncAnswer =
  | { kind: 'answered'; results: OpResult[] }
  | { kind: 'limited'; results: OpResult[]; error: string; retryAfterMs: number }
  | { kind: 'unauthorized' }
  /**
   * No usable answer. `reason` is a sentence for the person; `final` when sending the same
   * bytes again can only get the same refusal (a 4xx), `offline` when nothing came back at all.
   */
  | { kind: 'failed'; reason: string; final: boolean; offline: boolean };

/** Retry-After as seconds or an HTTP date (RFC 9110 §10.2.3), in ms from now. */
function retryAfterMs(header: string | null, now: number): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

const failed = (reason: string, final = false, offline = false): SyncAnswer => ({
  kind: 'failed',
  reason,
  final,
  offline,
});

/** Sends one batch and reads the answer; never throws. */
export async function postOps(
  doFetch: typeof fetch,
  origin: string,
  token: string,
  clientId: string,
  batch: OutboxOp[],
): Promise<SyncAnswer> {
  const now = Date.now();
  let res: Response;
  let body: SyncResponse | undefined;
  try {
    res = await doFetch(`${origin}/api/sync`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        clientId,
        ops: batch.map(({ id, type, args }) => ({ id, type, args })),
      }),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    body = (await res.json().catch((err: unknown) => {
      if ((err as Error)?.name === 'TimeoutError') throw err;
      return undefined;
    })) as SyncResponse | undefined;
  } catch (err) {
    return (err as Error)?.name === 'TimeoutError'
      ? failed(`The server did not answer within ${REQUEST_TIMEOUT_MS / 1000} seconds.`)
      : failed('The connection broke while this change was being sent.', false, true);
  }
  if (res.status === 401) return { kind: 'unauthorized' };
  if (res.status === 429) {
    const waitMs =
      body?.retryAfterMs ??
      retryAfterMs(res.headers.get('retry-after'), now) ??
      DEFAULT_LIMIT_WAIT_MS;
    const error = body?.error ?? 'The server is busy right now; your changes wait on this phone.';
    const results = Array.isArray(body?.results)
      ? body.results
      : batch.map((op) => ({ id: op.id, status: 'limited' as const, retryAfterMs: waitMs, error }));
    return { kind: 'limited', results, error, retryAfterMs: waitMs };
  }
  if (res.status === 200 && Array.isArray(body?.results))
    return { kind: 'answered', results: body.results };
  if (res.status === 200) return failed("The server's answer could not be read.");
  if (res.status >= 500)
    return failed(`The server could not save this change (error ${res.status}).`);
  const said = typeof body?.error === 'string' && body.error;
  return failed(
    said || `The server refused this change (error ${res.status}).`,
    res.status !== 408,
  );
}

/**
 * Whether the server answers at all right now: its health check gives JSON with a 200. A
 * captive portal's page or a dead network is not an answer.
 */
export async function serverIsUp(doFetch: typeof fetch, origin: string): Promise<boolean> {
  try {
    const res = await doFetch(`${origin}/api/health`, {
      cache: 'no-store',
      signal: AbortSignal.timeout(HEALTH_TIMEOUT_MS),
    });
    const body: unknown = await res.json();
    return res.ok && typeof body === 'object' && body !== null;
  } catch {
    return false;
  }
}
