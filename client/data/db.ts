import { DATABASE_NAME } from './database-name.ts';
import Dexie, { type EntityTable } from 'dexie';
import type { DraftDoc } from '../../schema/draft.ts';
import type { OpResult, TypedOp } from '../../schema/ops.ts';

/** A draft as this device holds it: the source of truth for what the person typed here. */
export interface LocalDraft {
  formId: string;
  draft: DraftDoc;
  /** Client time (epoch ms) each field was last changed, here or merged in from the server. */
  fieldTimes: Record<string, number>;
  /** When this device last typed into each field: a field typed into lately is "in progress". */
  typedAt?: Record<string, number>;
  /**
   * Newer values from another device for fields in progress here, held back rather than written
   * over what is being typed, until the person keeps theirs or takes the other one.
   */
  conflicts?: Record<string, FieldConflict>;
  createdAt: number;
  updatedAt: number;
}

/** Another device's value for a field, and its time. */
export interface FieldConflict {
  value: unknown;
  t: number;
}

/** An operation waiting for the server. Its id is made here, so any replay is the same op. */
export type OutboxOp = TypedOp & OutboxEntry;

/** What the outbox keeps beside an op's type and args. */
interface OutboxEntry {
  id: string;
  formId?: string;
  createdAt: number;
  attempts: number;
  lastError?: string;
  /** Set once the op left in a request: from then on its body must never change. */
  sentAt?: number;
  /** The server limited it (`lastError` says why): not sent again before this time (epoch ms). */
  heldUntil?: number;
  /** It failed (`lastError` says why; `attempts` counts the tries): not tried again before this. */
  retryAt?: number;
  /** It failed inside a batch: sent alone, so a failure is charged to the op that caused it. */
  alone?: boolean;
  /** Set aside after failing `MAX_TRIES` times: kept, not sent, until the person retries it. */
  setAsideAt?: number;
}

/** An op the server refused for good, kept so nothing typed silently disappears. */
export type RejectedOp = OutboxOp & {
  rejectedAt: number;
  code?: OpResult['code'];
  error: string;
  /** The person has seen why (the notice is closed); the op stays here. */
  dismissedAt?: number;
};

export interface KeyValue {
  key: string;
  value: unknown;
}

/**
 * IndexedDB, through Dexie. Page and service worker open the same database; schema changes go
 * in a new `version()` so a device with old data upgrades in place.
 */
export class RefrainDb extends Dexie {
  drafts!: EntityTable<LocalDraft, 'formId'>;
  outbox!: EntityTable<OutboxOp, 'id'>;
  rejected!: EntityTable<RejectedOp, 'id'>;
  kv!: EntityTable<KeyValue, 'key'>;

  constructor(name = DATABASE_NAME) {
    super(name);
    this.version(1).stores({
      drafts: 'formId, updatedAt',
      outbox: 'id, createdAt, formId, type',
      rejected: 'id, formId, rejectedAt',
      kv: 'key',
    });
  }
}

let shared: RefrainDb | undefined;
export const db = (): RefrainDb => (shared ??= new RefrainDb());
