import type { Connection, ConnectionState } from '@rocicorp/zero';

/**
 * Zero stops for good on a connection error (its state `error`: e.g. zero-cache losing its own
 * database connection mid-query) until the app calls `connect()`. A device must not keep a frozen
 * live view until someone reloads it: try again after 1 s, doubling to 30 s, until connected.
 * `needs-auth` is left alone: a revoked session is the sign-out flow's to handle.
 */
export function keepConnected(
  connection: Pick<Connection, 'state' | 'connect'>,
  timers: { set: typeof setTimeout; clear: typeof clearTimeout } = {
    set: setTimeout,
    clear: clearTimeout,
  },
): () => void {
  let delayMs = 1_000;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const onState = (state: ConnectionState) => {
    if (state.name === 'connected') {
      delayMs = 1_000;
      return;
    }
    if (state.name !== 'error' || timer !== undefined) return;
    timer = timers.set(() => {
      timer = undefined;
      void connection.connect().catch(() => undefined);
    }, delayMs);
    delayMs = Math.min(30_000, delayMs * 2);
  };
  const unsubscribe = connection.state.subscribe(onState);
  onState(connection.state.current);
  return () => {
    unsubscribe();
    if (timer !== undefined) timers.clear(timer);
  };
}
