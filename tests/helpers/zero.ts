import { Zero } from '@rocicorp/zero';
import WebSocket from 'ws';
import type { AuthContext } from '../../schema/queries.ts';
import { schema } from '../../schema/zero.ts';
import type { Guest } from './api.ts';

// Node 20 has no global WebSocket; the Zero client looks for one there.
(globalThis as { WebSocket?: unknown }).WebSocket ??= WebSocket;

/** A real Zero client connected to the stack's zero-cache as `guest`, with in-memory storage. */
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
