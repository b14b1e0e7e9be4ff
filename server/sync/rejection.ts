import type { OpResult } from '../../schema/ops.ts';

/** Thrown inside an op's transaction: the transaction rolls back and the op is answered rejected. */
export class OpRejection extends Error {
  constructor(
    readonly code: NonNullable<OpResult['code']>,
    message: string,
  ) {
    super(message);
  }
}
