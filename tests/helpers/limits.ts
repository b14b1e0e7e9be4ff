import http from 'node:http';
import type { OpResult, SyncOp, SyncResponse } from '../../schema/ops.ts';
import type { Guest } from './guest.ts';

/** The documented default limits: empty values make the server use its own defaults. */
export const DEFAULT_LIMITS = {
  RATE_SESSIONS_PER_IP: '',
  RATE_RESUME_REDEEMS_PER_IP: '',
  RATE_FORMS_PER_OWNER: '',
  RATE_SLOTS_PER_OWNER: '',
  MAX_GENERATING_SLOTS_PER_OWNER: '',
};

export interface Answer<T = any> {
  status: number;
  retryAfter: string | undefined;
  body: T;
}

/**
 * A POST from a chosen loopback address (127.0.0.0/8 is all loopback), so a test can be "another
 * network" without leaving the machine, and never shares a per-address budget with other tests.
 */
export function postFrom(
  url: string,
  opts: { from?: string; headers?: Record<string, string>; body?: unknown } = {},
): Promise<Answer> {
  const target = new URL(url);
  const payload = opts.body === undefined ? '' : JSON.stringify(opts.body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: 'POST',
        localAddress: opts.from,
        agent: false,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(payload),
          ...opts.headers,
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (text += d));
        res.on('end', () => {
          let body: unknown = text;
          try {
            body = JSON.parse(text);
          } catch {}
          const retryAfter = res.headers['retry-after'];
          resolve({ status: res.statusCode ?? 0, retryAfter, body });
        });
      },
    );
    req.on('error', reject);
    req.setTimeout(120_000, () => req.destroy(new Error(`no answer from ${url} in 120 s`)));
    req.end(payload);
  });
}

const octet = () => 2 + Math.floor(Math.random() * 250);

/** A loopback address of its own (never 127.0.0.1, which every other test uses). */
export const loopbackAddress = () => `127.${octet()}.${octet()}.${octet()}`;

const hextet = () => Math.floor(Math.random() * 0x10000).toString(16);

/**
 * An address from IPv6's documentation range, for X-Forwarded-For only (never connected to). Each
 * has a /64 of its own (the server counts IPv6 per /64) out of 2^32, so two made in one run never
 * share a budget; the 250 addresses of 203.0.113.0/24 did, now and then.
 */
export const forwardedAddress = () => `2001:db8:${hextet()}:${hextet()}::${hextet()}`;

/** The same guest, talking to another API process on the same database. */
export function onServer(guest: Guest, baseUrl: string): Guest {
  return {
    ...guest,
    baseUrl,
    fetch: (path, init = {}) =>
      fetch(`${baseUrl}${path}`, {
        ...init,
        headers: {
          authorization: `Bearer ${guest.token}`,
          'content-type': 'application/json',
          ...init.headers,
        },
      }),
  };
}

/** POST /api/sync keeping the status and Retry-After (a 429 is an answer here, not an error). */
export async function syncAnswer(
  guest: Guest,
  ops: SyncOp[],
): Promise<Answer<SyncResponse & { error?: string; retryAfterMs?: number }>> {
  const res = await guest.fetch('/api/sync', {
    method: 'POST',
    body: JSON.stringify({ clientId: 'limits-test', ops }),
    signal: AbortSignal.timeout(300_000),
  });
  const body = await res.json();
  if (res.status !== 200 && res.status !== 429)
    throw new Error(`/api/sync answered ${res.status}: ${JSON.stringify(body)}`);
  return { status: res.status, retryAfter: res.headers.get('retry-after') ?? undefined, body };
}

export const byStatus = (results: OpResult[], status: OpResult['status']) =>
  results.filter((r) => r.status === status);
