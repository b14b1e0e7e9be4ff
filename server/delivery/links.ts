import { downloadLinkSigner } from '../auth/signing.ts';

export type DownloadKind = 'mp3' | 'wav' | 'txt';

/** How long a download link works. Long enough to finish a download, short enough not to share. */
export const DOWNLOAD_TTL_MS = 15 * 60_000;

export type LinkCheck = 'valid' | 'forged' | 'expired';

/**
 * Short-lived download URLs: an HMAC over take, kind and expiry, keyed from the installation's
 * auth secret for this purpose only. A link proves the server issued it for a paid take; the
 * download still checks the take is unlocked.
 */
export interface DownloadLinks {
  /** The time links are minted and checked by: the real clock, or a test's clock moved ahead. */
  now(): number;
  url(takeId: string, kind: DownloadKind, expiresAt: number): string;
  check(
    takeId: string,
    kind: DownloadKind,
    expiresAt: string | undefined,
    sig: string | undefined,
    now?: number,
  ): LinkCheck;
}

export function downloadLinks(
  authSecret: Uint8Array,
  clock: () => number = Date.now,
): DownloadLinks {
  const signer = downloadLinkSigner(authSecret);
  const message = (takeId: string, kind: string, expiresAt: string) =>
    `${takeId}:${kind}:${expiresAt}`;
  return {
    now: clock,
    url: (takeId, kind, expiresAt) =>
      `/api/download/${takeId}.${kind}?exp=${expiresAt}&sig=${signer.sign(message(takeId, kind, String(expiresAt)))}`,
    check: (takeId, kind, expiresAt, sig, now = clock()) => {
      if (!expiresAt || !sig || !/^\d{1,15}$/.test(expiresAt)) return 'forged';
      if (!signer.verify(message(takeId, kind, expiresAt), sig)) return 'forged';
      return Number(expiresAt) < now ? 'expired' : 'valid';
    },
  };
}
