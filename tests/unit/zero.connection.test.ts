import { expect, it } from 'vitest';
import type { ConnectionState } from '@rocicorp/zero';
import { keepConnected } from '../../client/data/zero-connection.ts';

/** A connection whose state the test sets, and whose timers the test runs. */
function fakeConnection(initial: ConnectionState) {
  const listeners = new Set<(s: ConnectionState) => void>();
  const state = {
    current: initial,
    subscribe: (l: (s: ConnectionState) => void) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
  };
  const connects: number[] = [];
  const timers: { fn: () => void; ms: number }[] = [];
  return {
    connection: { state, connect: async () => void connects.push(Date.now()) },
    set(next: ConnectionState) {
      state.current = next;
      for (const l of listeners) l(next);
    },
    connects,
    timers,
    fakeTimers: {
      set: ((fn: () => void, ms: number) => (timers.push({ fn, ms }), timers.length)) as never,
      clear: (() => undefined) as never,
    },
    listeners,
  };
}

it('a Zero stopped by a connection error connects again, backing off 1 s doubling, reset once connected', () => {
  const z = fakeConnection({ name: 'connecting' });
  const release = keepConnected(z.connection, z.fakeTimers);
  z.set({ name: 'error', reason: 'terminating connection due to administrator command' });
  expect(z.timers.map((t) => t.ms)).toEqual([1_000]);
  // Repeats of the same error while a try is pending schedule nothing more.
  z.set({ name: 'error', reason: 'again' });
  expect(z.timers).toHaveLength(1);
  z.timers[0]!.fn();
  expect(z.connects).toHaveLength(1);
  z.set({ name: 'error', reason: 'still down' });
  expect(z.timers.map((t) => t.ms)).toEqual([1_000, 2_000]);
  z.timers[1]!.fn();
  z.set({ name: 'connected' });
  z.set({ name: 'error', reason: 'later' });
  expect(z.timers.map((t) => t.ms)).toEqual([1_000, 2_000, 1_000]);
  release();
  expect(z.listeners.size).toBe(0);
});

it('leaves needs-auth to the sign-out flow and does nothing while connected or offline', () => {
  const z = fakeConnection({ name: 'error', reason: 'already stopped' });
  keepConnected(z.connection, z.fakeTimers);
  // A Zero already stopped when the app starts watching it is handled too.
  expect(z.timers).toHaveLength(1);
  const y = fakeConnection({ name: 'connected' });
  keepConnected(y.connection, y.fakeTimers);
  y.set({ name: 'needs-auth', reason: { type: 'zero-cache', reason: 'revoked' } });
  y.set({ name: 'disconnected', reason: 'offline' });
  expect(y.timers).toHaveLength(0);
});
