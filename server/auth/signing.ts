import { createECDH, createHmac, timingSafeEqual } from 'node:crypto';

// Every key this installation signs with comes from its auth secret (auth/secret.ts), here, and
// every HMAC is computed and checked here. Each use has a key or a message prefix of its own, so a
// signature made for one use proves nothing for another. The labels, message layouts and encodings
// below are in stored URLs, webhook registrations, links already handed out and signed-in phones:
// changing one invalidates them all (tests/unit/signing.test.ts pins the exact strings).

function hmac(key: Uint8Array, message: string): Buffer {
  return createHmac('sha256', key).update(message).digest();
}

/** A key for one use only, derived from the auth secret and a label naming that use. */
function derivedKey(authSecret: Uint8Array, label: string): Buffer {
  return hmac(authSecret, label);
}

/** Base64url HMAC-SHA256 signatures under one key, checked in constant time. */
export interface MessageSigner {
  sign(message: string): string;
  verify(message: string, signature: string | undefined | null): boolean;
}

function messageSigner(key: Uint8Array): MessageSigner {
  const sign = (message: string) => hmac(key, message).toString('base64url');
  return {
    sign,
    verify: (message, signature) => {
      if (!signature) return false;
      const expected = Buffer.from(sign(message));
      const given = Buffer.from(signature);
      // Compare in constant time; lengths differ only for garbage, which may fail fast.
      return given.length === expected.length && timingSafeEqual(given, expected);
    },
  };
}

/**
 * A webhook token proves a webhook URL was made by us for that slot (MusicGPT does not sign its
 * webhooks); an audio, cover or stream signature makes a take's audio, a slot's cover or a live
 * stream's link unguessable.
 */
export type UrlPurpose = 'webhook' | 'audio' | 'cover' | 'stream';

export interface UrlSigner {
  sign(purpose: UrlPurpose, id: string): string;
  verify(purpose: UrlPurpose, id: string, token: string | undefined | null): boolean;
}

/** URL signatures, bound to one purpose each by the message's `<purpose>:` prefix. */
export function urlSigner(authSecret: Uint8Array): UrlSigner {
  // Keyed with the auth secret itself, as they were before keys were derived per use.
  const signer = messageSigner(authSecret);
  return {
    sign: (purpose, id) => signer.sign(`${purpose}:${id}`),
    verify: (purpose, id, token) => signer.verify(`${purpose}:${id}`, token),
  };
}

/** Download links' signatures (delivery/links.ts), under a key for them alone. */
export function downloadLinkSigner(authSecret: Uint8Array): MessageSigner {
  return messageSigner(derivedKey(authSecret, 'download-links'));
}

/** The demo checkout's webhook signing secret, base64url; never stored, the same after restarts. */
export function demoCheckoutWebhookKey(authSecret: Uint8Array): string {
  return derivedKey(authSecret, 'demo-checkout-webhook').toString('base64url');
}

/**
 * The key session tokens are signed with (HS256 JWTs, auth/token.ts: jose computes that HMAC).
 * It is the auth secret itself: tokens were issued under it before keys were derived per use, and
 * a new key would sign every guest out of the drafts only their token opens.
 */
export function sessionKey(authSecret: Uint8Array): Uint8Array {
  return authSecret;
}

/** A VAPID key pair (RFC 8292), base64url as browsers and web-push take them. */
export interface VapidKeys {
  /** Uncompressed P-256 point, 65 bytes: the page's `applicationServerKey`. */
  publicKey: string;
  /** The 32-byte private scalar. */
  privateKey: string;
}

// The order of P-256's base point: a private scalar must lie in [1, n - 1].
const P256_ORDER = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');

/**
 * The installation's VAPID keys for Web Push, derived from the auth secret (itself generated into
 * DATA_DIR on first start unless AUTH_SECRET is set). Derived rather than stored, so every API
 * process of one installation signs pushes with the same key: a browser's subscription is bound
 * to the key it was made with, and a push signed with another one is refused.
 */
export function vapidKeys(authSecret: Uint8Array): VapidKeys {
  for (let counter = 0; ; counter++) {
    const scalar = derivedKey(authSecret, `vapid:${counter}`);
    const value = BigInt(`0x${scalar.toString('hex')}`);
    // Out of range about once in 2^32 secrets; the next counter is then taken.
    if (value === 0n || value >= P256_ORDER) continue;
    const ecdh = createECDH('prime256v1');
    ecdh.setPrivateKey(scalar);
    return {
      publicKey: ecdh.getPublicKey().toString('base64url'),
      privateKey: scalar.toString('base64url'),
    };
  }
}
