import { useEffect, useState } from 'react';
import { pushState, turnOnPush, type PushState } from '../data/push.ts';
import { useApp } from './context.ts';
import { failureText } from '../data/failure.ts';

/**
 * While songs are being made: an offer to be told when they are ready, so nobody has to keep the
 * page open. Permission is asked only when the person taps it.
 */
export function ReadyAlert() {
  const { session } = useApp();
  const [state, setState] = useState<PushState | 'asking' | undefined>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    void pushState().then(setState, () => setState('unsupported'));
  }, []);
  if (state === undefined || state === 'unsupported') return null;
  if (state === 'on') {
    return (
      <p className="hint" data-testid="ready-alert" data-state="on">
        You will get a notification on this device when your songs are ready.
      </p>
    );
  }
  if (state === 'denied') {
    return (
      <p className="hint" data-testid="ready-alert" data-state="denied">
        Notifications are blocked for this site in your browser settings. This page fills in by
        itself while it is open, or come back later: nothing is lost.
      </p>
    );
  }
  const turnOn = () => {
    if (!session) return;
    setState('asking');
    setError(undefined);
    turnOnPush(session).then(setState, (err: unknown) => {
      setState('off');
      setError(`Could not turn on notifications: ${failureText(err)}.`);
    });
  };
  return (
    <div className="row" data-testid="ready-alert" data-state={state}>
      <button
        type="button"
        className="button"
        disabled={!session || state === 'asking'}
        onClick={turnOn}
        data-testid="ready-alert-on"
      >
        Tell me when they are ready
      </button>
      {error && <p role="alert">{error}</p>}
    </div>
  );
}
