import { useEffect, useState } from 'react';
import { drainOutbox } from '../data/outbox.ts';
import { saveSession, type Session } from '../data/session.ts';
import { useApp } from '../ui/context.ts';
import { navigate } from '../ui/router.ts';
import { failureText } from '../data/failure.ts';

// A code works once: one redemption per code per page, however often the effect runs.
const redeeming = new Map<string, Promise<Session>>();

/** Redeems a one-time link: this device becomes the same owner as the one that made it. */
export function Resume({ code }: { code: string }) {
  const { db, sync, setSession } = useApp();
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let cancelled = false;
    if (!redeeming.has(code)) {
      redeeming.set(
        code,
        (async () => {
          // Changes made here under the old identity go out first, signed as that identity.
          await drainOutbox(db, { clientId: sync.clientId });
          const res = await fetch('/api/resume-codes/redeem', {
            method: 'POST',
            body: JSON.stringify({ code }),
          });
          const body = await res.json();
          if (!res.ok) throw new Error(body.error ?? `the server answered ${res.status}`);
          await saveSession(db, body as Session);
          return body as Session;
        })(),
      );
    }
    redeeming
      .get(code)!
      .then((session) => {
        if (cancelled) return;
        setSession(session);
        navigate('/');
      })
      .catch((err: unknown) => !cancelled && setError(failureText(err)));
    return () => {
      cancelled = true;
    };
  }, [code, db, sync, setSession]);
  return (
    <section>
      <h2>Connecting this device…</h2>
      {error && <p role="alert">This link did not work: {error}</p>}
    </section>
  );
}
