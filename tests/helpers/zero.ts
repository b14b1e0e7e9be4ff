import { Zero } from '@rocicorp/zero';
import WebSocket from 'ws';
import type { AuthContext } from '../../schema/queries.ts';
import { schema } from '../../schema/zero.ts';
import type { Guest } from './api.ts';

/**
 * A refused handshake (401 from the app's /zero once a token is signed out) that lands after the
 * Zero client has already closed and dropped its listeners is emitted by `ws` with nobody
 * listening, which Node treats as an uncaught error. Browsers just fail such a socket; so does this.
 */
class TestWebSocket extends WebSocket {
  constructor(...args: ConstructorParameters<typeof WebSocket>) {
    super(...args);
    this.on('error', () => undefined);
  }
}

// Node 20 has no global WebSocket; the Zero client looks for one there.
(globalThis as { WebSocket?: unknown }).WebSocket ??= TestWebSocket;

/**
 * A real Zero client connected as `guest`, with in-memory storage: through the app's port as a
 * browser does (`${baseUrl}/zero`), or straight to zero-cache on loopback (the stack's zeroUrl).
 */
export function connectZero(zeroUrl: string, guest: Guest) {
  // Typed as the registered context exactly, or queries do not type-check against this client.
  const context = { ownerId: guest.ownerId } as AuthContext;
  return new Zero({
    cacheURL: zeroUrl,
    schema,
    userID: guest.ownerId,
    auth: guest.token,
    context,
    kvStore: 'mem',
    logLevel: 'error',
  });
}
