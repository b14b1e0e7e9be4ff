import { useEffect, useState } from 'react';
import { lastReady, readinessFor, timeLeft, type SlotTimes } from './estimate.ts';

/** The current time, renewed every `everyMs`: a countdown runs here, with no server traffic. */
function useNow(everyMs: number): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}

/**
 * How long a variation still takes, counted down on this device from the time the server expects
 * it. A timer, not a live region: a screen reader reads it when asked, never every second.
 */
export function TimeLeft({ expectedReadyAt }: { expectedReadyAt: number }) {
  const now = useNow(1_000);
  return (
    <p className="hint variation__eta" role="timer" data-testid="variation-eta">
      {timeLeft(expectedReadyAt, now)}
    </p>
  );
}

/**
 * Whether a song will be ready for its occasion day. Its words change only when the outlook does
 * (not with the clock), so the polite live region speaks once per change.
 */
export function Readiness({ occasionDate, slots }: { occasionDate: string; slots: SlotTimes[] }) {
  const now = useNow(30_000);
  const { tone, text } = readinessFor(occasionDate, lastReady(slots), now);
  return (
    <p
      className={`readiness readiness--${tone}`}
      role="status"
      data-testid="song-readiness"
      data-tone={tone}
    >
      {text}
    </p>
  );
}
