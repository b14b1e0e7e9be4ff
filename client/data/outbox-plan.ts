import type { OutboxOp } from './db.ts';

// Pure rules for which ops go next and when a failing one is tried again; no IndexedDB here.

/** Ops per request. */
export const BATCH = 100;

/**
 * Failed tries after which an op is set aside for the person to retry or discard. A try counts
 * only when the server answered its health check right after (see drainOutbox), so five tries
 * spread over half a minute are failures of this op, not of the phone's network.
 */
export const MAX_TRIES = 5;

/** The wait after the first counted failure; it doubles after each (2, 4, 8, 16 s). */
export const FIRST_RETRY_MS = 2_000;

/** Wait before try `tries + 1`, with jitter (half to all of it) so devices do not retry in step. */
export function backoffMs(tries: number, random = Math.random()): number {
  const full = FIRST_RETRY_MS * 2 ** Math.max(0, tries - 1);
  return full / 2 + random * (full / 2);
}

export const isSetAside = (op: OutboxOp): boolean => op.setAsideAt !== undefined;

/** A form's gate for its later ops: all wait, or only draft.puts may pass. */
type Gate = 'closed' | 'puts';

/**
 * Builds the next request from ops offered in creation order. A form's ops keep their order:
 * behind an op the server limited (429) all of the form's later ops wait; behind one that is
 * failing (waiting for its next try) or set aside, only draft.puts pass — each carries the
 * whole draft with its field times, so it may overtake an older one, while a submit must not
 * overtake the draft it submits. An op that failed inside a batch goes alone, so a failure is
 * charged to the op that caused it and no other op is held back by it.
 */
export class BatchPlan {
  readonly batch: OutboxOp[] = [];
  /** Soonest time a held (limited) op may go, and that op. */
  held: OutboxOp | undefined;
  /** Soonest time a failing op may be tried again. */
  nextTryAt: number | undefined;
  private gates = new Map<string, Gate>();
  private full = false;

  get isFull(): boolean {
    return this.full;
  }

  constructor(private readonly now: number) {}

  /** Offers the next op in creation order; answers false once the request is full. */
  offer(op: OutboxOp): boolean {
    if (this.full) return false;
    const form = op.formId;
    if (isSetAside(op)) {
      this.narrow(form, 'puts');
    } else if (op.heldUntil !== undefined && op.heldUntil > this.now) {
      this.narrow(form, 'closed');
      if (!this.held || op.heldUntil < this.held.heldUntil!) this.held = op;
    } else if (op.retryAt !== undefined && op.retryAt > this.now) {
      this.narrow(form, 'puts');
      this.nextTryAt = Math.min(this.nextTryAt ?? Infinity, op.retryAt);
    } else if (this.mayPass(op)) {
      if (op.alone && this.batch.length > 0) {
        this.narrow(form, 'closed');
      } else {
        this.batch.push(op);
        this.full = op.alone === true || this.batch.length >= BATCH;
      }
    }
    return !this.full;
  }

  private mayPass(op: OutboxOp): boolean {
    const gate = op.formId && this.gates.get(op.formId);
    return !gate || (gate === 'puts' && op.type === 'draft.put');
  }

  private narrow(form: string | undefined, gate: Gate) {
    if (!form || this.gates.get(form) === 'closed') return;
    this.gates.set(form, gate);
  }
}
