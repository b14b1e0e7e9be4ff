/** The guest identity this device holds: the token authenticates the API and the Zero connection. */
export interface Session {
  token: string;
  ownerId: string;
}

const KEY = 'refrain.session';

/** This device's session, creating a guest on first use. */
export async function loadSession(): Promise<Session> {
  const stored = localStorage.getItem(KEY);
  if (stored) return JSON.parse(stored) as Session;
  const res = await fetch('/api/session', { method: 'POST' });
  if (!res.ok) throw new Error(`could not start a session (${res.status})`);
  const session = (await res.json()) as Session;
  localStorage.setItem(KEY, JSON.stringify(session));
  return session;
}

/** Where zero-cache listens, as the server describes it. */
export async function loadSyncUrl(): Promise<string> {
  const res = await fetch('/api/config');
  if (!res.ok) throw new Error(`could not load configuration (${res.status})`);
  const config = (await res.json()) as { syncUrl: string | null; zeroPort: number };
  return config.syncUrl ?? `${location.protocol}//${location.hostname}:${config.zeroPort}`;
}
