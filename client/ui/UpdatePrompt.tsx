import { useEffect, useState } from 'react';
import type { Workbox } from 'workbox-window';

/**
 * A new version is installed but waits: the person decides when to reload, so an update never
 * lands in the middle of a draft (and the draft is in IndexedDB anyway).
 */
export function UpdatePrompt({ wb }: { wb: Workbox | undefined }) {
  const [waiting, setWaiting] = useState(false);
  useEffect(() => {
    if (!wb) return;
    const onWaiting = () => setWaiting(true);
    wb.addEventListener('waiting', onWaiting);
    return () => wb.removeEventListener('waiting', onWaiting);
  }, [wb]);
  if (!waiting || !wb) return null;
  return (
    <div className="update" role="alert" data-testid="update-prompt">
      <span>A new version of Refrain is ready.</span>
      <button
        type="button"
        onClick={() => {
          wb.addEventListener('controlling', () => location.reload());
          wb.messageSkipWaiting();
        }}
      >
        Reload
      </button>
    </div>
  );
}
