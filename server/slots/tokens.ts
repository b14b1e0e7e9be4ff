import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * HMACs bound to one purpose each, derived from the installation's auth secret: a webhook token
 * proves a webhook URL was made by us for that slot (MusicGPT does not sign its webhooks), and an
 * audio (or cover) signature makes a take's (or a slot's cover's) URL unguessable.
 */
export type UrlPurpose = 'webhook' | 'audio' | 'cover' | 'stream';

export interface UrlSigner {
  sign(purpose: UrlPurpose, id: string): string;
  verify(purpose: UrlPurpose, id: string, token: string | undefined | null): boolean;
}

export function urlSigner(secret: Uint8Array): UrlSigner {
  const sign = (purpose: string, id: string) =>
    createHmac('sha256', secret).update(`${purpose}:${id}`).digest('base64url');
  return {
    sign,
    verify: (purpose, id, token) => {
      if (!token) return false;
      const expected = Buffer.from(sign(purpose, id));
      const given = Buffer.from(token);
      // Compare in constant time; lengths differ only for garbage, which may fail fast.
      return given.length === expected.length && timingSafeEqual(given, expected);
    },
  };
}
