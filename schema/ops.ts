import { z } from './zod.ts';
import { DraftDoc, FieldTimes, text } from './draft.ts';
import { GIFT_CODE_PATTERN, MAX_GIFT_MESSAGE, MAX_GIFT_NAME } from './gifts.ts';

// The operations a client queues in its outbox and sends to POST /api/sync. Ids are made by the
// client (uuidv7), so the same op replayed from any tab or the service worker is one op.
const formId = z.uuid();
const songIndex = z.number().int().min(0).max(4);
const variationIndex = z.number().int().min(0).max(2);

/** Most characters of lyrics a revision carries (MusicGPT's bound, as the writer's). */
export const MAX_REVISED_LYRICS = 3000;
/** Most characters of a revision's direction for the music. */
export const MAX_DIRECTION = 120;
/**
 * Changes included per song before paying: each makes one variation again (one provider call),
 * with new lyrics, a direction, or both. More are refused, with the reason; a person can still
 * choose among the versions made so far.
 */
export const REVISIONS_PER_SONG = 2;

/** Which of a variation's two takes. */
export const TakeIndex = z.union([z.literal(1), z.literal(2)]);
export type TakeIndex = z.infer<typeof TakeIndex>;

export const OpArgs = {
  'draft.put': z.object({ formId, draft: DraftDoc, fieldTimes: FieldTimes }),
  'draft.restore': z.object({ formId, historyId: z.number().int().positive() }),
  'form.submit': z.object({ formId }),
  'generation.request': z.object({ formId, songIndex, variationIndex }),
  'slot.retry': z.object({ slotId: z.uuid() }),
  'variation.revise': z
    .object({
      slotId: z.uuid(),
      /** The whole lyrics as the person wants them sung; absent keeps the version's own. */
      lyrics: text(MAX_REVISED_LYRICS)
        .refine(
          (s) => s.trim().length > 0,
          'the lyrics are empty; write some or leave them as they were',
        )
        .optional(),
      /** A short direction for the music, e.g. "slower, with piano". */
      direction: text(MAX_DIRECTION).optional(),
    })
    .refine((a) => a.lyrics !== undefined || (a.direction ?? '').trim() !== '', {
      error: 'say what to change: new lyrics, a direction, or both',
    }),
  'selection.set': z.object({
    formId,
    songIndex,
    slotId: z.uuid(),
    take: TakeIndex,
  }),
  'gift.create': z.object({
    giftId: z.uuid(),
    formId,
    /** One song of the order; absent gives every paid song of it. */
    songIndex: songIndex.optional(),
    code: z
      .string()
      .regex(GIFT_CODE_PATTERN, 'is not a gift code: 22 to 43 letters, digits, - or _'),
    fromName: text(MAX_GIFT_NAME).optional(),
    /** Who the song is for, when the page should say another name than the song's. */
    toName: text(MAX_GIFT_NAME).optional(),
    message: text(MAX_GIFT_MESSAGE).optional(),
    /** Before this instant the page counts down instead of playing. */
    revealAt: z.iso.datetime({ offset: true }).optional(),
    allowDownload: z.boolean(),
  }),
  'gift.revoke': z.object({ giftId: z.uuid() }),
} as const;

export type OpType = keyof typeof OpArgs;
export type OpArgsOf<T extends OpType> = z.infer<(typeof OpArgs)[T]>;

/** An op's type with its args, one member per type: checking `type` tells what `args` hold. */
export type TypedOp = { [T in OpType]: { type: T; args: OpArgsOf<T> } }[OpType];

/** An op as it travels: args are checked per type by the server, after the envelope. */
export const SyncOp = z.object({
  id: z.uuid({ error: 'the id of a change must be a UUID' }),
  type: z.string({ error: 'a change must name its type' }).min(1).max(64),
  args: z.unknown(),
});
export type SyncOp = z.infer<typeof SyncOp>;

export const MAX_OPS_PER_BATCH = 500;
export const MAX_SYNC_BODY_BYTES = 1024 * 1024;
/** Bounds on one op's args, checked before anything walks them: a draft nests 4 deep. */
export const MAX_ARGS_DEPTH = 16;
export const MAX_ARGS_VALUES = 2_000;

const clientId = z.string().min(1).max(128);

/**
 * What the server checks of the whole body; each op is then read alone, so one malformed op is
 * answered `rejected` by itself and the ops after it still apply.
 */
export const SyncBatch = z.object({
  clientId,
  ops: z
    .array(z.unknown())
    .max(
      MAX_OPS_PER_BATCH,
      `a batch holds at most ${MAX_OPS_PER_BATCH} changes; send fewer at a time`,
    ),
});

export type OpStatus = 'applied' | 'duplicate' | 'rejected' | 'limited';

/**
 * Why an op was rejected: `internal` when the server failed on it (logged with its id), any
 * other what was wrong with it.
 */
export type OpCode =
  | 'invalid'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'state'
  | 'unknown_type'
  | 'limit'
  | 'internal';

/**
 * The answer for one op; `results[i]` answers `ops[i]`. `id` is the op's id as sent (empty when
 * it sent no string). `rejected` is final: the client drops the op and shows the error.
 * `limited` is not: nothing of the op was applied, and the client keeps it and sends it again
 * after `retryAfterMs`; `error` is a sentence for the person.
 */
export interface OpResult {
  id: string;
  status: OpStatus;
  result?: unknown;
  error?: string;
  /** Why a rejection happened. */
  code?: OpCode;
  /** With `limited`: wait at least this long before sending the op again. */
  retryAfterMs?: number;
}

/**
 * 200 when no op was limited. 429 (with Retry-After) when one was: every op still has its
 * answer in `results`, and `error` is the sentence to show, `retryAfterMs` the shortest wait.
 * 503 (with Retry-After, no `results`) when the database went away mid-batch: the ops answered
 * nothing yet; send the same batch again, and those already applied answer `duplicate`.
 */
export interface SyncResponse {
  results: OpResult[];
  error?: string;
  retryAfterMs?: number;
}
