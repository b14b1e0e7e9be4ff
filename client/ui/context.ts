import { createContext, useContext } from 'react';
import type { RefrainDb } from '../data/db.ts';
import type { Session } from '../data/session.ts';
import type { SyncEngine } from '../data/sync.ts';
import type { LiveSync } from './live-sync.ts';

/** What every screen needs: the local database, the sync engine, and the session once there is one. */
export interface AppContext {
  db: RefrainDb;
  sync: SyncEngine;
  session: Session | undefined;
  /** Zero is connected (a session exists): server-backed views may render. */
  hasZero: boolean;
  /** Live sync's module and views, once loaded and connected (with hasZero). */
  live: LiveSync | undefined;
  setSession: (s: Session) => void;
}

export const App = createContext<AppContext | null>(null);

export function useApp(): AppContext {
  const ctx = useContext(App);
  if (!ctx) throw new Error('useApp outside <App.Provider>');
  return ctx;
}
