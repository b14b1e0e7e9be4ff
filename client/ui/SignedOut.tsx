import { useEffect, useState } from 'react';
import { checkSignIn, type SignInState } from '../data/sign-in.ts';
import { ensureSession } from '../data/session.ts';
import { useApp } from './context.ts';
import { failureText } from '../data/failure.ts';

/**
 * Shown when the server no longer accepts this device's sign-in (signed out from another device,
 * or expired). Nothing local is touched: drafts and waiting changes stay on the device.
 */
export function SignedOutNotice() {
  const { db, sync, session, setSession } = useApp();
  const [state, setState] = useState<SignInState>('unknown');
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    setState('unknown');
    if (!session) return;
    let stop = false;
    const check = () =>
      void checkSignIn(session).then((s) => !stop && s !== 'unknown' && setState(s));
    const onVisible = () => document.visibilityState === 'visible' && check();
    check();
    window.addEventListener('online', check);
    document.addEventListener('visibilitychange', onVisible);
    const unsubscribe = sync.subscribe((s) => s.lastError === 'unauthorized' && check());
    return () => {
      stop = true;
      window.removeEventListener('online', check);
      document.removeEventListener('visibilitychange', onVisible);
      unsubscribe();
    };
  }, [session, sync]);

  if (state !== 'signed-out') return null;

  const startAgain = async () => {
    setError(null);
    try {
      await db.kv.delete('session');
      setSession(await ensureSession(db));
      sync.kick();
    } catch (err) {
      setError(`Could not start again: ${failureText(err)}.`);
    }
  };

  return (
    <div className="notice notice--alert" role="alert" data-testid="signed-out">
      <h2>This device is signed out</h2>
      <p>
        Someone chose “Sign out everywhere” on another device, or this device’s sign-in ran out.
        Everything typed here is still saved on this device.
      </p>
      <p>
        To see your songs here again, open <strong>Devices</strong> on a phone or computer that is
        still signed in, make a link, and open it on this device.
      </p>
      <p className="hint">
        Starting again makes a new, empty account on this device; your songs stay with the old one.
      </p>
      <button type="button" className="button" onClick={() => void startAgain()}>
        Start again as a new guest
      </button>
      {error && <p>{error}</p>}
    </div>
  );
}
