import { Zero } from '@rocicorp/zero';
import { ZeroProvider } from '@rocicorp/zero/react';
import { createElement, type ComponentType, type ReactNode } from 'react';
import type { AuthContext } from '../../schema/queries.ts';
import { schema } from '../../schema/zero.ts';
import { keepConnected } from '../data/zero-connection.ts';
import { ServerList as ServerListView } from '../screens/HomeServerList.tsx';
import { useApp } from './context.ts';
import { SyncBadgeWithServer as SyncBadgeView } from './SyncBadgeServer.tsx';
import type { Session } from '../data/session.ts';

// Live sync (Zero) and the views that read through it, loaded with import() once the first
// screen is up: Zero is two fifths of the app's JavaScript, and parsing it before the first
// paint would hold a phone's main thread for the whole of it at once (bench/lighthouse.ts).

/**
 * Where server-backed views read through Zero: each of them sits in one, so live sync arriving
 * adds them where they go instead of wrapping (and so making again) the whole app.
 */
export function LiveScope({ children }: { children: ReactNode }) {
  const { zero } = useApp();
  return zero ? createElement(ZeroProvider, { zero: zero as Zero, children }) : null;
}

const scoped =
  <P extends object>(View: ComponentType<P>) =>
  (props: P) =>
    createElement(LiveScope, null, createElement(View, props));

export const ServerList = scoped(ServerListView);
export const SyncBadgeWithServer = scoped(SyncBadgeView);

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
