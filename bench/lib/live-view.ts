/** What a materialized Zero view offers: its rows now, and a call on every change. */
export type View<T> = {
  addListener(listener: (data: T) => void): () => void;
  readonly data: T;
};

/**
 * Resolves with performance.now() at the first listener call whose data passes `check`; the
 * listener fires on every change the client applies, so this times the change itself.
 */
export function when<T>(
  view: View<T>,
  check: (data: T) => boolean,
  timeoutMs: number,
  what: string,
) {
  let unsubscribe: (() => void) | undefined;
  let done = false;
  const seen = new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      done = true;
      unsubscribe?.();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
    }, timeoutMs);
    unsubscribe = view.addListener((data) => {
      if (done || !check(data)) return;
      const at = performance.now();
      done = true;
      clearTimeout(timer);
      resolve(at);
    });
  });
  // addListener calls the listener at once, so it may have finished before unsubscribe was set.
  if (done) unsubscribe?.();
  void seen.then(
    () => unsubscribe?.(),
    () => {},
  );
  return seen;
}

/** POSTs one provider webhook and insists it was taken as new. */
export async function postWebhook(url: string, body: unknown, timeoutMs: number): Promise<void> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const answer = (await res.json().catch(() => null)) as { duplicate?: boolean } | null;
  if (res.status !== 200 || answer?.duplicate !== false) {
    throw new Error(`webhook answered ${res.status} ${JSON.stringify(answer)}`);
  }
}
