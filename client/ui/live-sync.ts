import { Zero } from '@rocicorp/zero';
import type { AuthContext } from '../../schema/queries.ts';
import { schema } from '../../schema/zero.ts';
import { keepConnected } from '../data/zero-connection.ts';
import type { Session } from '../data/session.ts';

// Live sync (Zero) and the views that read through it, loaded with import() once the first
// screen is up: Zero is two fifths of the app's JavaScript, and parsing it before the first
// paint would hold a phone's main thread for the whole of it at once (bench/lighthouse.ts).

export { ZeroProvider } from '@rocicorp/zero/react';
export { ServerList } from '../screens/HomeServerList.tsx';
export { SyncBadgeWithServer } from './SyncBadgeServer.tsx';

/** The module as the app holds it once loaded. */
export type LiveSync = typeof import('./live-sync.ts');

// One Zero per (identity, server), replaced only when either changes. Kept outside React so
// StrictMode's rehearsal unmount cannot close the connection the app is about to use.
let current: { key: string; zero: Zero; release: () => void } | undefined;

/** The Zero for this session and server, made on first use. */
export function zeroFor(session: Session, cacheURL: string): Zero {
  const key = `${session.token}|${cacheURL}`;
  if (current?.key === key) return current.zero;
  current?.release();
  void current?.zero.close();
  const context = { ownerId: session.ownerId } as AuthContext;
  const zero = new Zero({
    cacheURL,
    schema,
    userID: session.ownerId,
    auth: session.token,
    context,
  });
  current = { key, zero, release: keepConnected(zero.connection) };
  return current.zero;
}
