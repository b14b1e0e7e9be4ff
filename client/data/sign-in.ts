import type { Session } from './session.ts';

export type SignInState = 'signed-in' | 'signed-out' | 'unknown';

/**
 * Whether this device's token still works. A device can be signed out from another one ("sign
 * out everywhere") while it has nothing to send, so the page asks instead of waiting for a 401.
 * Offline or a server error is `unknown`: only the server's own 401 counts as signed out.
 */
export async function checkSignIn(session: Session, origin = ''): Promise<SignInState> {
  try {
    const res = await fetch(`${origin}/api/session`, {
      headers: { authorization: `Bearer ${session.token}` },
      cache: 'no-store',
    });
    if (res.status === 401) return 'signed-out';
    return res.ok ? 'signed-in' : 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Ends every other device's sign-in; answers this device's new session. */
export async function signOutEverywhere(session: Session, origin = ''): Promise<Session> {
  const res = await fetch(`${origin}/api/session/sign-out-everywhere`, {
    method: 'POST',
    headers: { authorization: `Bearer ${session.token}` },
  });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(body.error ?? `the server answered ${res.status}`);
  return body as Session;
}
