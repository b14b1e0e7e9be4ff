import { jwtVerify, SignJWT } from 'jose';

const ISSUER = 'refrain';
// A guest's token is their only key to their drafts, so it lives as long as a phone keeps it.
const LIFETIME = '365d';

export interface TokenSigner {
  sign(ownerId: string): Promise<string>;
  /** The owner id the token was issued to, or null when it is forged, expired or malformed. */
  verify(token: string): Promise<string | null>;
}

export function tokenSigner(secret: Uint8Array): TokenSigner {
  return {
    sign: (ownerId) =>
      new SignJWT({})
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(ownerId)
        .setIssuer(ISSUER)
        .setIssuedAt()
        .setExpirationTime(LIFETIME)
        .sign(secret),
    verify: async (token) => {
      try {
        const { payload } = await jwtVerify(token, secret, {
          issuer: ISSUER,
          algorithms: ['HS256'],
        });
        return typeof payload.sub === 'string' ? payload.sub : null;
      } catch {
        return null;
      }
    },
  };
}

/** The token of an `Authorization: Bearer <token>` header, if there is one. */
export function bearerToken(header: string | undefined | null): string | null {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return match?.[1] ?? null;
}
