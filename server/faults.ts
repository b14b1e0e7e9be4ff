/**
 * Named points where the process can be made to die on purpose (REFRAIN_FAULT=<name>), so tests
 * can prove that a crash at exactly that point loses nothing and calls no provider twice.
 * SIGKILL, not an exception: no cleanup code may run, as in a real power cut.
 */
export type FaultPoint =
  'after-claim' | 'after-provider-accept' | 'during-webhook' | 'after-refund-recorded';

export function faultPoint(name: FaultPoint): void {
  if (process.env.REFRAIN_FAULT === name) process.kill(process.pid, 'SIGKILL');
}
