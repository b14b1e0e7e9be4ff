import type { RefrainDb } from './db.ts';

/** The guest identity this device holds: the token authenticates the API and the Zero connection. */
export interface Session {
  token: string;
  ownerId: string;
}

const KEY = 'session';
const REFUSAL_KEY = 'session-refusal';

/** Why the server would not start a guest here just now (429), for the app to show. */
export interface SessionRefusal {
  message: string;
  /** Epoch ms after which asking again may work. */
  until: number;
}

export async function sessionRefusal(db: RefrainDb): Promise<SessionRefusal | undefined> {
  return (await db.kv.get(REFUSAL_KEY))?.value as SessionRefusal | undefined;
}

export async function storedSession(db: RefrainDb): Promise<Session | undefined> {
  return (await db.kv.get(KEY))?.value as Session | undefined;
}

export async function saveSession(db: RefrainDb, session: Session): Promise<void> {
  await db.kv.put({ key: KEY, value: session });
}

/** This device's session, creating a guest when there is none yet (needs the network once). */
export async function ensureSession(db: RefrainDb, origin = ''): Promise<Session> {
  const stored = await storedSession(db);
  if (stored) return stored;
  const res = await fetch(`${origin}/api/session`, { method: 'POST' });
  if (res.status === 429) {
    const body = (await res.json().catch(() => ({}))) as { error?: string; retryAfterMs?: number };
    const refusal = {
      message: body.error ?? 'Too many new visitors right now; try again in a few minutes.',
      until: Date.now() + (body.retryAfterMs ?? Number(res.headers.get('retry-after')) * 1000),
    };
    await db.kv.put({ key: REFUSAL_KEY, value: refusal });
    throw new Error(refusal.message);
  }
  if (!res.ok) throw new Error(`could not start a session (${res.status})`);
  const session = (await res.json()) as Session;
  await db.kv.delete(REFUSAL_KEY);
  // Two tabs may race here; the first stored session wins so both end as the same guest.
  return db.transaction('rw', db.kv, async () => {
    const again = await storedSession(db);
    if (again) return again;
    await saveSession(db, session);
    return session;
  });
}
