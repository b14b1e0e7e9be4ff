/**
 * Named points where the process can be made to die on purpose (REFRAIN_FAULT=<name>), so tests
 * can prove that a crash at exactly that point loses nothing and calls no provider twice.
 * SIGKILL, not an exception: no cleanup code may run, as in a real power cut.
 */
export type FaultPoint =
  | 'after-claim'
  | 'after-provider-accept'
  | 'during-webhook'
  | 'after-refund-recorded'
  | 'after-receipt-email';

/** Points where the process is made slow on purpose, to hold it in a state a test must reach. */
export type SlowPoint = 'slow-stop';

export function faultPoint(name: FaultPoint): void {
  if (process.env.REFRAIN_FAULT === name) process.kill(process.pid, 'SIGKILL');
}

/**
 * Waits `ms` when REFRAIN_FAULT names this point. An idle stack stops in well under a second, so
 * "a second Ctrl-C during the stop ends it at once" can only be checked on a stop held open.
 */
export function slowPoint(name: SlowPoint, ms: number): Promise<void> {
  if (process.env.REFRAIN_FAULT !== name) return Promise.resolve();
  return new Promise((resolve) => setTimeout(resolve, ms));
}
