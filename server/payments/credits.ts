import type { TransactionSql } from 'postgres';
import { Refusal } from '../errors.ts';

/**
 * Takes `n` credits in one conditional update: of two purchases racing for the last credits, the
 * second one's update finds too few once the first commits, so the balance never goes negative.
 * Returns the new balance, or undefined when there were not enough.
 */
export async function spendCredits(
  tx: TransactionSql,
  ownerId: string,
  n: number,
): Promise<number | undefined> {
  const [row] = await tx<{ credits: number }[]>`
    update owners set credits = credits - ${n} where id = ${ownerId} and credits >= ${n} returning credits`;
  return row?.credits;
}

export async function creditBalance(tx: TransactionSql, ownerId: string): Promise<number> {
  const [row] = await tx<{ credits: number }[]>`select credits from owners where id = ${ownerId}`;
  return row?.credits ?? 0;
}

/**
 * Refused for want of credits: what it costs and what the person has, so the client can offer the
 * card instead.
 */
export function notEnoughCredits(needed: number, have: number): Refusal {
  return new Refusal(
    'payment_required',
    `this package costs ${needed} credit${needed === 1 ? '' : 's'} and you have ${have}; pay by card instead`,
  );
}
