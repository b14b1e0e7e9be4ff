import { createContext, useContext, type ComponentType } from 'react';
import type { LocalDraft, RefrainDb } from '../data/db.ts';
import type { Session } from '../data/session.ts';
import type { SyncEngine } from '../data/sync.ts';

/**
 * What Home and the header take from live sync once it has arrived. Named here rather than taken
 * from live-sync.ts, which builds on these very views: the context stays below them.
 */
export interface LiveViews {
  ServerList: ComponentType<{
    drafts: LocalDraft[];
    onDuplicate: (d?: LocalDraft['draft']) => void;
  }>;
  SyncBadgeWithServer: ComponentType;
}

/** What every screen needs: the local database, the sync engine, and the session once there is one. */
export interface AppContext {
  db: RefrainDb;
  sync: SyncEngine;
  session: Session | undefined;
  /** Zero is connected (a session exists): server-backed views may render. */
  hasZero: boolean;
  /** That Zero, for LiveScope (client/ui/live-sync.ts), which alone knows its type. */
  zero: unknown;
  /** The views live sync brings (client/ui/live-sync.ts), once loaded and connected. */
  live: LiveViews | undefined;
  setSession: (s: Session) => void;
}

export const App = createContext<AppContext | null>(null);

export function useApp(): AppContext {
  const ctx = useContext(App);
  if (!ctx) throw new Error('useApp outside <App.Provider>');
  return ctx;
}
