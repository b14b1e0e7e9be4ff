import { useState } from 'react';
import { renderSVG } from 'uqr';
import { saveSession } from '../data/session.ts';
import { signOutEverywhere } from '../data/sign-in.ts';
import { useApp } from '../ui/context.ts';
import { answerFailure, failureText } from '../data/failure.ts';

/**
 * "Continue on another device": a one-time link (15 minutes) and its QR code; and "sign out
 * everywhere else", for a lost phone or a shared computer.
 */
export function Devices() {
  const { db, session, setSession } = useApp();
  const [link, setLink] = useState<{ url: string; expiresAt: string } | null>(null);
  const [copied, setCopied] = useState<'copied' | 'failed'>();
  const [error, setError] = useState<string | null>(null);
  const [signOut, setSignOut] = useState<'idle' | 'confirm' | 'working' | 'done'>('idle');
  const [signOutError, setSignOutError] = useState<string | null>(null);

  const make = async () => {
    setError(null);
    try {
      const res = await fetch('/api/resume-codes', {
        method: 'POST',
        headers: { authorization: `Bearer ${session!.token}` },
      });
      if (!res.ok) throw new Error(answerFailure(res.status));
      setLink(await res.json());
      setCopied(undefined);
    } catch (err) {
      setError(`Could not make a link: ${failureText(err)}.`);
    }
  };

  const signOutOthers = async () => {
    setSignOutError(null);
    setSignOut('working');
    try {
      const fresh = await signOutEverywhere(session!);
      await saveSession(db, fresh);
      setSession(fresh);
      // The link on screen was ended with the others.
      setLink(null);
      setSignOut('done');
    } catch (err) {
      setSignOut('confirm');
      setSignOutError(`Nothing was changed: ${failureText(err)}.`);
    }
  };

  return (
    <>
      <section aria-labelledby="devices-title">
        <h2 id="devices-title">Continue on another device</h2>
        <p>
          Open this link on your other phone or laptop to see your drafts and songs there, live. It
          works once, for 15 minutes.
        </p>
        <button
          type="button"
          className="button button--primary"
          onClick={() => void make()}
          disabled={!session}
          data-testid="make-link"
        >
          Make a link
        </button>
        {error && <p role="alert">{error}</p>}
        {link && (
          <div className="resume" data-testid="resume-link">
            <p>
              <a href={link.url}>{link.url}</a>
            </p>
            <button
              type="button"
              className="button"
              data-testid="copy-link"
              onClick={() =>
                void (navigator.clipboard?.writeText(link.url) ?? Promise.reject()).then(
                  () => setCopied('copied'),
                  () => setCopied('failed'),
                )
              }
            >
              {copied === 'copied' ? 'Copied' : 'Copy link'}
            </button>
            <p className="hint" role="status" data-testid="copy-status">
              {copied === 'copied'
                ? 'Copied. Paste it on your other device.'
                : copied === 'failed'
                  ? 'This browser did not let the page copy; press and hold the link to copy it.'
                  : ''}
            </p>
            <div
              className="qr"
              role="img"
              aria-label="QR code of the link"
              dangerouslySetInnerHTML={{ __html: renderSVG(link.url) }}
            />
            <p className="hint">Valid until {new Date(link.expiresAt).toLocaleTimeString()}.</p>
          </div>
        )}
      </section>
      <section className="danger-zone" aria-labelledby="sign-out-title">
        <h2 id="sign-out-title">Lost a phone?</h2>
        <p>
          Sign out every other device and end every link made so far. This device stays signed in
          and keeps all your songs.
        </p>
        {signOut === 'idle' && (
          <button
            type="button"
            className="button"
            onClick={() => setSignOut('confirm')}
            disabled={!session}
            data-testid="sign-out-everywhere"
          >
            Sign out everywhere else
          </button>
        )}
        {(signOut === 'confirm' || signOut === 'working') && (
          <div className="notice notice--alert" data-testid="sign-out-confirm">
            <p>Sign out every other phone and computer now? They will need a new link to return.</p>
            <div className="row">
              <button
                type="button"
                className="button button--primary"
                onClick={() => void signOutOthers()}
                disabled={signOut === 'working'}
              >
                Yes, sign them out
              </button>
              <button type="button" className="button" onClick={() => setSignOut('idle')}>
                Cancel
              </button>
            </div>
            {signOutError && <p role="alert">{signOutError}</p>}
          </div>
        )}
        {signOut === 'done' && (
          <p role="status" data-testid="signed-out-others">
            Done. Every other device is signed out; this one stays signed in.
          </p>
        )}
      </section>
    </>
  );
}
