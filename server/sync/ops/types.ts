import type { TransactionSql } from 'postgres';
import type { ClaimContext } from '../../slots/claim.ts';

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
