import { jwtVerify, SignJWT } from 'jose';
import type { Sql } from 'postgres';
import { sessionKey } from './signing.ts';

const ISSUER = 'refrain';
// A guest's token is their only key to their drafts, so it lives as long as a phone keeps it;
// "sign out everywhere" (a new token version) is what ends it early.
const LIFETIME = '365d';
// Tokens made before versions existed carry none; they were all issued under the first.
const FIRST_VERSION = 1;

// Tokens remembered as checked, per process: about 2 MB at most.
const CHECKED_TOKENS = 10_000;

interface TokenClaims {
  ownerId: string;
  version: number;
  /** Epoch ms. */
  expiresAt: number;
}

export interface TokenSigner {
  /** A token for the owner under their current token version. */
  sign(ownerId: string): Promise<string>;
  /**
   * The owner id the token was issued to, or null when it is forged, malformed, without an
   * expiry, expired, or issued before the owner's last "sign out everywhere".
   */
  verify(token: string): Promise<string | null>;
}

export function tokenSigner(authSecret: Uint8Array, sql: Sql): TokenSigner {
  // Imported once: given the raw bytes, jose imports them again for every token it checks, which
  // cost a busy API more than checking the signatures did.
  const key = crypto.subtle.importKey(
    'raw',
    new Uint8Array(sessionKey(authSecret)),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign', 'verify'],
  );
  const currentVersion = async (ownerId: string) => {
    const [owner] = await sql<{ token_version: number }[]>`
      select token_version from owners where id = ${ownerId}`;
    return owner?.token_version;
  };
  // A token whose signature and claims passed once passes again until it expires: the same
  // string under the same key. Every device sends its token with every request, and checking the
  // signature again each time was a large share of a busy API's work. The owner's token version
  // is still read every time, so "sign out everywhere" ends a token at once.
  const checked = new Map<string, TokenClaims>();
  const readToken = async (token: string): Promise<TokenClaims | undefined> => {
    let payload;
    try {
      ({ payload } = await jwtVerify(token, await key, {
        issuer: ISSUER,
        algorithms: ['HS256'],
        // A token without an expiry would be a key that works forever if it ever leaked.
        requiredClaims: ['exp', 'sub'],
      }));
    } catch {
      return undefined;
    }
    const ownerId = payload.sub;
    const version = payload.ver ?? FIRST_VERSION;
    if (typeof ownerId !== 'string' || typeof version !== 'number' || !Number.isInteger(version))
      return undefined;
    // A malformed subject is a bad token, not a database error.
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(ownerId))
      return undefined;
    const claims = { ownerId, version, expiresAt: payload.exp! * 1000 };
    // Oldest first out: Map keeps insertion order.
    if (checked.size >= CHECKED_TOKENS) checked.delete(checked.keys().next().value!);
    checked.set(token, claims);
    return claims;
  };
  return {
    sign: async (ownerId) =>
      new SignJWT({ ver: (await currentVersion(ownerId)) ?? FIRST_VERSION })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(ownerId)
        .setIssuer(ISSUER)
        .setIssuedAt()
        .setExpirationTime(LIFETIME)
        .sign(await key),
    verify: async (token) => {
      const known = checked.get(token);
      const unexpired = known && known.expiresAt > Date.now() ? known : undefined;
      if (known && !unexpired) checked.delete(token);
      const claims = unexpired ?? (await readToken(token));
      if (!claims) return null;
      return (await currentVersion(claims.ownerId)) === claims.version ? claims.ownerId : null;
    },
  };
}

/** The token of an `Authorization: Bearer <token>` header, if there is one. */
export function bearerToken(header: string | undefined | null): string | null {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return match?.[1] ?? null;
}
