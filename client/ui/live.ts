import { liveQuery } from 'dexie';
import { useEffect, useState } from 'react';

/** The result of a Dexie query, re-run whenever the tables it read change (in any tab). */
export function useLive<T>(query: () => Promise<T>, deps: unknown[], initial: T): T {
  const [value, setValue] = useState<T>(initial);
  useEffect(() => {
    const sub = liveQuery(query).subscribe({ next: setValue, error: (e) => console.error(e) });
    return () => sub.unsubscribe();
    // The query closes over `deps`; re-subscribing on them (not on the closure) is intended.
  }, deps);
  return value;
}
