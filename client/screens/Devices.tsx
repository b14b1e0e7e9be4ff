import { useState } from 'react';
import { renderSVG } from 'uqr';
import { useApp } from '../ui/context.ts';

/** "Continue on another device": a one-time link (15 minutes) and its QR code. */
export function Devices() {
  const { session } = useApp();
  const [link, setLink] = useState<{ url: string; expiresAt: string } | null>(null);
  const [error, setError] = useState<string | null>(null);

  const make = async () => {
    setError(null);
    try {
      const res = await fetch('/api/resume-codes', {
        method: 'POST',
        headers: { authorization: `Bearer ${session!.token}` },
      });
      if (!res.ok) throw new Error(`the server answered ${res.status}`);
      setLink(await res.json());
    } catch (err) {
      setError(`Could not make a link (${navigator.onLine ? String(err) : 'you are offline'}).`);
    }
  };

  return (
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
            onClick={() => void navigator.clipboard?.writeText(link.url)}
          >
            Copy link
          </button>
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
  );
}
