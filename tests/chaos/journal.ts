import type { OpResult, SyncOp } from '../../schema/ops.ts';
import { opBodyHash } from '../../server/sync/ledger.ts';

/** One op as its device made it, and every answer any request carrying it got. */
export interface OpEntry {
  op: SyncOp;
  bodyHash: string;
  device: string;
  ownerId: string;
  /** Requests that carried it (re-sends and replays included). */
  sends: number;
  answers: Answer[];
}

/** An answer, with when its request left and when the answer came back. */
export type Answer = OpResult & { sentAt: number; receivedAt: number };

/** The selected takes of a form as they were when its payment went through. */
export interface PaidSnapshot {
  formId: string;
  orderId: string;
  device: string;
  takes: TakeFingerprint[];
}

export interface TakeFingerprint {
  songIndex: number;
  slotId: string;
  takeIndex: number;
  takeId: string;
  title: string | null;
  lyrics: string | null;
  /** sha256 of the stored full audio file. */
  audioHash: string | null;
}

export type FaultKind =
  | 'api-kill'
  | 'zero-cache-kill'
  | 'pg-terminate'
  | 'client-drop'
  | 'provider-429'
  | 'provider-500'
  | 'provider-402'
  | 'webhook-order'
  | 'webhook-replay';

/** What a run did, as the clients and the fault injector saw it: the history the checker reads. */
export class Journal {
  readonly ops = new Map<string, OpEntry>();
  readonly owners = new Set<string>();
  /** Outcomes of /api/sync requests: HTTP status, or 'network' when no answer arrived. */
  readonly requests: Record<string, number> = {};
  readonly faults: Partial<Record<FaultKind, number>> = {};
  readonly paid = new Map<string, PaidSnapshot>();
  readonly payments: Record<string, number> = {};
  /** Timestamped lines: faults and notable answers, for the report of a failed run. */
  readonly timeline: string[] = [];
  /** Answers that break a promise on the spot (a payment page that says paid when nothing is). */
  readonly anomalies: { check: string; message: string }[] = [];
  private readonly started = Date.now();
  private readonly errorKinds = new Set<string>();

  queued(op: SyncOp, device: string, ownerId: string): void {
    this.owners.add(ownerId);
    this.ops.set(op.id, { op, bodyHash: opBodyHash(op), device, ownerId, sends: 0, answers: [] });
  }

  sent(ops: SyncOp[]): void {
    for (const op of ops) this.ops.get(op.id)!.sends++;
  }

  answered(results: OpResult[], sentAt: number): void {
    const receivedAt = Date.now();
    for (const r of results) this.ops.get(r.id)?.answers.push({ ...r, sentAt, receivedAt });
  }

  request(outcome: string): void {
    this.requests[outcome] = (this.requests[outcome] ?? 0) + 1;
  }

  /** A request that got no answer; the first of each kind of error goes on the timeline. */
  networkError(err: unknown): void {
    this.request('network');
    const cause =
      err instanceof Error
        ? `${err.message}${err.cause ? `: ${String(err.cause)}` : ''}`
        : String(err);
    const kind = cause.replace(/\d+/g, 'N');
    if (!this.errorKinds.has(kind)) {
      this.errorKinds.add(kind);
      this.note(`no answer: ${cause}`);
    }
  }

  payment(outcome: string): void {
    this.payments[outcome] = (this.payments[outcome] ?? 0) + 1;
  }

  fault(kind: FaultKind, detail = ''): void {
    this.faults[kind] = (this.faults[kind] ?? 0) + 1;
    if (kind !== 'client-drop') this.note(`${kind}${detail ? ` ${detail}` : ''}`);
  }

  anomaly(check: string, message: string): void {
    this.anomalies.push({ check, message });
    this.note(message);
  }

  note(line: string): void {
    this.timeline.push(`+${((Date.now() - this.started) / 1000).toFixed(1)}s ${line}`);
  }

  /** Ops the server was asked for, whether or not an answer came back. */
  get sentOps(): OpEntry[] {
    return [...this.ops.values()].filter((e) => e.sends > 0);
  }
}
