import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { pipeline } from 'node:stream/promises';
import { bareHost, checkMediaUrl, MediaRefused, publicLookup } from './address.ts';

export interface FetchPolicy {
  /** MEDIA_TRUSTED_HOSTS: `host` or `host:port`, lowercased. */
  trustedHosts: readonly string[];
  maxBytes: number;
  /** For the whole fetch, redirects and body included. */
  timeoutMs: number;
}

const MAX_REDIRECTS = 5;
// A server that accepts the connection but sends nothing is given up on this soon.
const IDLE_MS = 15_000;

/**
 * Streams a media link into `dest` under the media policy: every hop (redirects are followed by
 * hand, at most five) is checked for scheme, host and, after DNS, the address actually connected
 * to; the body stops at maxBytes. Throws MediaRefused for what the policy refuses and a plain
 * Error for what may pass on a retry (timeouts, 5xx). Leaves nothing at `dest` on failure.
 */
export async function fetchToFile(
  raw: string,
  dest: string,
  policy: FetchPolicy,
): Promise<{ bytes: number; url: string }> {
  const signal = AbortSignal.timeout(policy.timeoutMs);
  const { res, url } = await open(raw, policy, signal);
  let bytes = 0;
  try {
    await pipeline(
      res,
      capped(policy.maxBytes, (n) => (bytes += n)),
      fs.createWriteStream(dest),
      { signal },
    );
  } catch (err) {
    fs.rmSync(dest, { force: true });
    throw err;
  }
  return { bytes, url: url.href };
}

/**
 * The same fetch into memory, for small bodies read whole (a stream's playlist or segment).
 * `url` is where the body came from after redirects: a playlist's relative links resolve there.
 */
export async function fetchToBuffer(
  raw: string,
  policy: FetchPolicy,
): Promise<{ body: Buffer; url: string; contentType: string | undefined }> {
  const signal = AbortSignal.timeout(policy.timeoutMs);
  const { res, url } = await open(raw, policy, signal);
  const chunks: Buffer[] = [];
  await pipeline(
    res,
    capped(policy.maxBytes),
    async (source: AsyncIterable<Buffer>) => {
      for await (const chunk of source) chunks.push(chunk);
    },
    { signal },
  );
  return { body: Buffer.concat(chunks), url: url.href, contentType: res.headers['content-type'] };
}

function capped(max: number, counted?: (n: number) => void) {
  let bytes = 0;
  return async function* (source: AsyncIterable<Buffer>) {
    for await (const chunk of source) {
      bytes += chunk.length;
      counted?.(chunk.length);
      if (bytes > max) throw new MediaRefused(`more than the ${max} byte limit`);
      yield chunk;
    }
  };
}

/**
 * Follows redirects by hand, checking every hop, and returns the 200 answer whose body is still
 * to be read. Throws MediaRefused for what the policy refuses and a plain Error for what may pass
 * on a retry (timeouts, 5xx).
 */
async function open(
  raw: string,
  policy: FetchPolicy,
  signal: AbortSignal,
): Promise<{ res: http.IncomingMessage; url: URL }> {
  let link = raw;
  for (let hop = 0; ; hop++) {
    const { url, isTrusted } = checkMediaUrl(link, policy.trustedHosts);
    const res = await request(url, isTrusted, signal, GET);
    const status = res.statusCode ?? 0;
    if (status >= 300 && status < 400 && res.headers.location !== undefined) {
      res.resume();
      if (hop >= MAX_REDIRECTS) throw new MediaRefused(`more than ${MAX_REDIRECTS} redirects`);
      try {
        link = new URL(res.headers.location, url).href;
      } catch {
        throw new MediaRefused(`${url.host} redirected to an unreadable location`);
      }
      continue;
    }
    if (status !== 200) {
      res.resume();
      const error = `${url.host} answered ${status}`;
      throw status >= 400 && status < 500 && status !== 408 && status !== 429
        ? new MediaRefused(error)
        : new Error(error);
    }
    const declared = Number(res.headers['content-length'] ?? 0);
    if (declared > policy.maxBytes) {
      res.destroy();
      throw new MediaRefused(`${declared} bytes is over the ${policy.maxBytes} byte limit`);
    }
    return { res, url };
  }
}

/**
 * One POST to an outside link (a push service's endpoint) under the same policy: scheme, host and
 * the address connected to. Redirects are not followed: a push service answers where it was
 * asked. Resolves with the answer's status; its body is drained and dropped.
 */
export async function postToLink(
  raw: string,
  message: { headers: Record<string, string>; body: Buffer },
  policy: Pick<FetchPolicy, 'trustedHosts' | 'timeoutMs'>,
): Promise<number> {
  const { url, isTrusted } = checkMediaUrl(raw, policy.trustedHosts);
  const res = await request(url, isTrusted, AbortSignal.timeout(policy.timeoutMs), {
    method: 'POST',
    ...message,
  });
  res.resume();
  return res.statusCode ?? 0;
}

interface Outgoing {
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: Buffer;
}

const GET: Outgoing = {
  method: 'GET',
  headers: { accept: 'audio/*, image/*;q=0.9, */*;q=0.1' },
};

function request(
  url: URL,
  isTrusted: boolean,
  signal: AbortSignal,
  outgoing: Outgoing,
): Promise<http.IncomingMessage> {
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.request(
      {
        protocol: url.protocol,
        hostname: bareHost(url),
        port: url.port || undefined,
        path: `${url.pathname}${url.search}`,
        method: outgoing.method,
        headers: { ...outgoing.headers, 'user-agent': 'Refrain' },
        // A fresh connection per fetch: a pooled socket would skip the address check.
        agent: false,
        ...(isTrusted ? {} : { lookup: publicLookup }),
        signal,
        timeout: IDLE_MS,
      },
      resolve,
    );
    req.once('timeout', () => req.destroy(new Error(`${url.host} sent nothing for ${IDLE_MS} ms`)));
    req.once('error', reject);
    req.end(outgoing.body);
  });
}
