import type { Sql, TransactionSql } from 'postgres';
import type { Config } from '../config.ts';
import { Refusal } from '../errors.ts';
import { fixedWindow, take } from './store.ts';
import { inAbout, windowWords } from './wording.ts';

/** What an op starts: a form's first slots count once as a form, every newly claimed slot as one. */
export interface Usage {
  forms: number;
  slots: number;
}

// Songs in flight free up as they finish, minutes apart; asking again sooner only costs requests.
export const GENERATING_RETRY_MS = 30_000;

/**
 * Thrown inside an op's transaction when the op would pass one of its owner's limits: the
 * transaction rolls back (nothing of the op is applied, nothing is counted) and the op is
 * answered `limited`, to be sent again after `retryAfterMs`.
 */
export class OpLimited extends Error {
  constructor(
    readonly retryAfterMs: number,
    message: string,
  ) {
    super(message);
  }
}

const formsSentence = (windowMs: number, waitMs: number) =>
  `You've sent a lot of song requests in the last ${windowWords(windowMs)}. You can send more ${inAbout(waitMs)}.`;
const slotsSentence = (windowMs: number, waitMs: number) =>
  `You've started a lot of songs in the last ${windowWords(windowMs)}. You can start more ${inAbout(waitMs)}.`;

/**
 * Per-owner limits on starting generation: forms and slots per window, and slots queued or
 * generating at once. Checked in the op's own transaction after its handler ran, so the counts
 * are exactly what the op claims, and an op is applied whole or not at all. An advisory lock per
 * owner makes concurrent ops of one owner (any process) check one after another.
 */
export class OwnerLimits {
  private readonly peekForms;
  private readonly peekSlots;

  constructor(
    private readonly sql: Sql,
    private readonly limits: Config['limits'],
  ) {
    this.peekForms = fixedWindow(sql, 'forms', limits.formsPerOwner);
    this.peekSlots = fixedWindow(sql, 'slots', limits.slotsPerOwner);
  }

  /**
   * The early answer for an op that would start one of the owner's forms while a window is
   * already spent: found with two reads and no transaction or lock, so a flood of refused
   * submits costs the database little. Anything else goes through `charge`.
   */
  async refuseEarly(ownerId: string, formId: string): Promise<OpLimited | undefined> {
    const [form] = await this.sql<{ fresh: boolean }[]>`
      select not exists (select 1 from slots where form_id = f.id) as fresh
      from forms f where f.id = ${formId} and f.owner_id = ${ownerId}`;
    if (!form?.fresh) return undefined;
    const { formsPerOwner, slotsPerOwner } = this.limits;
    const forms = await this.peekForms.get(ownerId);
    if (forms && forms.consumedPoints >= formsPerOwner.points)
      return new OpLimited(
        forms.msBeforeNext,
        formsSentence(formsPerOwner.windowMs, forms.msBeforeNext),
      );
    const slots = await this.peekSlots.get(ownerId);
    if (slots && slots.consumedPoints >= slotsPerOwner.points)
      return new OpLimited(
        slots.msBeforeNext,
        slotsSentence(slotsPerOwner.windowMs, slots.msBeforeNext),
      );
    return undefined;
  }

  async charge(tx: TransactionSql, ownerId: string, usage: Usage): Promise<void> {
    if (usage.slots === 0) return;
    const { formsPerOwner, slotsPerOwner, generatingSlotsPerOwner } = this.limits;
    const most = Math.min(slotsPerOwner.points, generatingSlotsPerOwner);
    if (usage.slots > most) {
      throw new Refusal(
        'limit',
        `this starts ${usage.slots} songs at once, more than this server ever allows at a time (${most}); choose fewer songs`,
      );
    }
    await tx`select pg_advisory_xact_lock(hashtext(${`owner-starts:${ownerId}`}))`;

    if (usage.forms > 0) {
      const waitMs = await take(fixedWindow(tx, 'forms', formsPerOwner), ownerId, usage.forms);
      if (waitMs !== undefined)
        throw new OpLimited(waitMs, formsSentence(formsPerOwner.windowMs, waitMs));
    }
    const waitMs = await take(fixedWindow(tx, 'slots', slotsPerOwner), ownerId, usage.slots);
    if (waitMs !== undefined)
      throw new OpLimited(waitMs, slotsSentence(slotsPerOwner.windowMs, waitMs));
    // Counted after the op's own claims, under the owner's lock: every committed claim is seen.
    const [{ busy }] = (await tx`
      select count(*)::int as busy from slots
      where owner_id = ${ownerId} and is_current and status in ('queued', 'generating')`) as unknown as [
      { busy: number },
    ];
    if (busy > generatingSlotsPerOwner) {
      throw new OpLimited(
        GENERATING_RETRY_MS,
        `You have ${busy - usage.slots} songs being made right now. You can start more once some of them are done.`,
      );
    }
  }
}
