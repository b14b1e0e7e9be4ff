import type { OpArgsOf } from '../../../schema/ops.ts';
import { createGift, revokeGift } from '../../gifts/create.ts';
import type { OpHandler } from './types.ts';

/** gift.create: a link for a paid song, with the code the buyer's device made. */
export const giftCreate: OpHandler<OpArgsOf<'gift.create'>> = async (tx, args, ctx) => ({
  result: await createGift(tx, args, ctx.ownerId),
});

/** gift.revoke: the link answers 404 from now on. */
export const giftRevoke: OpHandler<OpArgsOf<'gift.revoke'>> = async (tx, args, ctx) => ({
  result: await revokeGift(tx, args, ctx.ownerId),
});
