// A gift: a link (`/g/<code>`) that lets someone with no account hear a song that was paid for.
// The code is made on the buyer's device, so the link can be copied at once, even offline; the
// server only checks its shape and keeps it unique. See docs/gifts.md.

/** Random bytes in a gift code: 128 bits, so a code cannot be guessed or enumerated. */
export const GIFT_CODE_BYTES = 16;
/** base64url of at least 16 bytes (22 characters) and at most 32 (43). */
export const GIFT_CODE_PATTERN = /^[A-Za-z0-9_-]{22,43}$/;
/** Most characters of a gift's personal message. */
export const MAX_GIFT_MESSAGE = 600;
/** Most characters of the "from" and "for" names on a gift. */
export const MAX_GIFT_NAME = 60;
/**
 * Gift links a form may ever have, revoked ones included: enough to send a song to a family one
 * by one, and a bound on rows a single guest can make.
 */
export const MAX_GIFTS_PER_FORM = 20;

/** A new gift code from the platform's cryptographic random source, base64url without padding. */
export function makeGiftCode(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(GIFT_CODE_BYTES));
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Whether a string has the shape of a gift code (it says nothing of whether one exists). */
export const isGiftCode = (code: string): boolean => GIFT_CODE_PATTERN.test(code);

/** The path of a gift's page. */
export const giftPath = (code: string) => `/g/${code}`;
