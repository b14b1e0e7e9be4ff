// http_ece (the RFC 8188 implementation web-push encrypts with) ships no types; the push
// stand-in decrypts with it, as a browser's push client would.
declare module 'http_ece' {
  import type { ECDH } from 'node:crypto';
  export function decrypt(
    buffer: Buffer,
    params: { version: 'aes128gcm'; privateKey: ECDH; authSecret: Buffer | string },
  ): Buffer;
}
