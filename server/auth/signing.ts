import { createHmac, timingSafeEqual } from 'node:crypto';

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
