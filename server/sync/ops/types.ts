import type { Sql, TransactionSql } from 'postgres';
import type { ClaimContext } from '../../slots/claim.ts';
import type { LedgerEntry } from '../ledger.ts';

export interface OpContext extends ClaimContext {
  opId: string;
}

/** What an applied op answers, and the slots it claimed (to be generated after commit). */
export interface OpOutcome {
  result: Record<string, unknown>;
  claimed?: string[];
  /** True when these are the form's first slots: the form counts once against its owner's limit. */
  startsForm?: boolean;
}

export type OpHandler<A> = (tx: TransactionSql, args: A, ctx: OpContext) => Promise<OpOutcome>;

/**
 * The common case of an op, applied with its ledger row in one statement (ledger.ts
 * recordWithEffect): only for cases that claim no slot, so no limit is charged. Undefined when
 * the case does not hold, having written nothing: the op then runs its handler.
 */
export type OpShortcut<A> = (
  sql: Sql,
  args: A,
  op: LedgerEntry,
) => Promise<{ result: Record<string, unknown> } | undefined>;
