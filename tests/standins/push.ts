import { createECDH, randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { decrypt } from 'http_ece';
import { decodeJwt, importJWK, jwtVerify } from 'jose';

// A push service (RFC 8030) as a browser's vendor runs it, on loopback: subscriptions with their
// own P-256 keys and auth secrets (what PushManager.subscribe hands a page), messages that must
// carry a valid VAPID signature (RFC 8292) and decrypt (RFC 8291, aes128gcm) to be accepted, and
// 410 Gone for a subscription the browser dropped.

export interface PushSubscriptionJson {
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

export interface ReceivedPush {
  endpoint: string;
  payload: Record<string, unknown>;
  ttl: number;
  urgency: string | undefined;
  /** The VAPID key the message was signed with. */
  signer: string;
}

export interface PushStandIn {
  origin: string;
  /** A new subscription, as a browser would make it for a page. */
  subscribe(): PushSubscriptionJson;
  /** From now on its endpoint answers 410 Gone. */
  expire(endpoint: string): void;
  received: ReceivedPush[];
  /** Messages refused, with why (bad signature, undecryptable, unknown endpoint). */
  refused: string[];
  close(): Promise<void>;
}

interface Subscriber {
  ecdh: ReturnType<typeof createECDH>;
  auth: Buffer;
  expired: boolean;
}

export async function startPushStandIn(): Promise<PushStandIn> {
  const subscribers = new Map<string, Subscriber>();
  const received: ReceivedPush[] = [];
  const refused: string[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void accept(req, Buffer.concat(chunks)).then(
        (status) => res.writeHead(status).end(),
        (err: unknown) => {
          refused.push(String(err instanceof Error ? err.message : err));
          res.writeHead(400).end();
        },
      );
    });
  });

  async function accept(req: http.IncomingMessage, body: Buffer): Promise<number> {
    const id = /^\/push\/([0-9a-f-]{36})$/.exec(req.url ?? '')?.[1];
    const subscriber = id ? subscribers.get(id) : undefined;
    if (req.method !== 'POST' || !subscriber) throw new Error(`no subscription at ${req.url}`);
    if (subscriber.expired) return 410;
    const [, jwt, key] =
      /^vapid t=([^,\s]+),\s*k=(\S+)$/.exec(req.headers.authorization ?? '') ?? [];
    if (!jwt || !key) throw new Error('no VAPID authorization');
    const point = Buffer.from(key, 'base64url');
    const publicKey = await importJWK({
      kty: 'EC',
      crv: 'P-256',
      x: point.subarray(1, 33).toString('base64url'),
      y: point.subarray(33).toString('base64url'),
      alg: 'ES256',
    });
    await jwtVerify(jwt, publicKey, { audience: origin });
    if (!String(decodeJwt(jwt).sub ?? '').match(/^(mailto:|https:)/)) throw new Error('bad sub');
    if (req.headers['content-encoding'] !== 'aes128gcm') throw new Error('not aes128gcm');
    const plain = decrypt(body, {
      version: 'aes128gcm',
      privateKey: subscriber.ecdh,
      authSecret: subscriber.auth,
    });
    received.push({
      endpoint: `${origin}${req.url}`,
      payload: JSON.parse(plain.toString('utf8')),
      ttl: Number(req.headers.ttl),
      urgency: req.headers.urgency as string | undefined,
      signer: key,
    });
    return 201;
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    received,
    refused,
    subscribe() {
      const id = randomUUID();
      const ecdh = createECDH('prime256v1');
      ecdh.generateKeys();
      const auth = randomBytes(16);
      subscribers.set(id, { ecdh, auth, expired: false });
      return {
        endpoint: `${origin}/push/${id}`,
        keys: {
          p256dh: ecdh.getPublicKey().toString('base64url'),
          auth: auth.toString('base64url'),
        },
      };
    },
    expire(endpoint) {
      const id = endpoint.split('/').pop()!;
      const subscriber = subscribers.get(id);
      if (subscriber) subscriber.expired = true;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
