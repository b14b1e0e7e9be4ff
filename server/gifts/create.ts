import type { TransactionSql } from 'postgres';
import { MAX_GIFTS_PER_FORM } from '../../schema/gifts.ts';
import type { OpArgsOf } from '../../schema/ops.ts';
import { Refusal } from '../errors.ts';
import { refuseOthers } from '../ownership.ts';

/**
 * Makes a gift link for a paid song (or every paid song of a form). Runs in the op's transaction
 * after the form's row lock, which a payment takes too, so "is it paid" cannot change underneath.
 * A preview nobody paid for never gets a link: the full song is what a gift plays.
 */
export async function createGift(
  tx: TransactionSql,
  args: OpArgsOf<'gift.create'>,
  ownerId: string,
): Promise<Record<string, unknown>> {
  const [form] = await tx<{ owner_id: string }[]>`
    select owner_id from forms where id = ${args.formId} for update`;
  if (!form) throw new Refusal('not_found', 'this song request does not exist on the server yet');
  refuseOthers(form, ownerId, `form ${args.formId}`);
  const songIndex = args.songIndex ?? null;
  const [paid] = await tx<{ n: number }[]>`
    select count(*)::int as n from unlocks
    where form_id = ${args.formId} and (${songIndex}::int is null or song_index = ${songIndex}::int)`;
  if (!paid?.n) {
    throw new Refusal(
      'state',
      songIndex === null
        ? 'These songs are not paid for yet, so they cannot be given as a gift. Pay for them first, then make the link.'
        : `Song ${songIndex + 1} is not paid for yet, so it cannot be given as a gift. Pay for it first, then make the link.`,
    );
  }
  const [taken] = await tx<
    { owner_id: string }[]
  >`select owner_id from gifts where id = ${args.giftId}`;
  if (taken) {
    refuseOthers(taken, ownerId, `gift ${args.giftId}`);
    throw new Refusal('conflict', 'this gift was made already; make a new link for another gift');
  }
  const [count] = await tx<{ n: number }[]>`
    select count(*)::int as n from gifts where form_id = ${args.formId}`;
  if (count!.n >= MAX_GIFTS_PER_FORM) {
    throw new Refusal(
      'limit',
      `These songs have ${MAX_GIFTS_PER_FORM} gift links already, the most they can have. Send one you made before.`,
    );
  }
  const [inserted] = await tx<{ id: string }[]>`
    insert into gifts (id, owner_id, form_id, song_index, code, from_name, to_name, message, reveal_at, allow_download)
    values (${args.giftId}, ${ownerId}, ${args.formId}, ${songIndex}, ${args.code},
            ${blankless(args.fromName)}, ${blankless(args.toName)}, ${blankless(args.message)},
            ${args.revealAt ?? null}, ${args.allowDownload})
    on conflict (code) do nothing
    returning id`;
  if (!inserted) {
    throw new Refusal('conflict', 'this gift code is in use already; make a new link');
  }
  return { giftId: args.giftId, code: args.code };
}

/** Takes a gift link back: from then on its page and audio answer 404. Revoking twice is fine. */
export async function revokeGift(
  tx: TransactionSql,
  args: OpArgsOf<'gift.revoke'>,
  ownerId: string,
): Promise<Record<string, unknown>> {
  const [gift] = await tx<{ owner_id: string; revoked_at: Date | null }[]>`
    select owner_id, revoked_at from gifts where id = ${args.giftId} for update`;
  if (!gift) throw new Refusal('not_found', 'this gift link does not exist on the server yet');
  refuseOthers(gift, ownerId, `gift ${args.giftId}`);
  const [row] = await tx<{ revoked_at: Date }[]>`
    update gifts set revoked_at = coalesce(revoked_at, now()) where id = ${args.giftId}
    returning revoked_at`;
  return { giftId: args.giftId, revokedAt: row!.revoked_at.toISOString() };
}

/** What a person left empty is stored as nothing, so the page never prints an empty line. */
const blankless = (s: string | undefined) => (s?.trim() ? s.trim() : null);
