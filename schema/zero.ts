import {
  boolean,
  createBuilder,
  createSchema,
  json,
  number,
  relationships,
  string,
  table,
} from '@rocicorp/zero';
import type { DraftDoc, DraftFieldValue, FieldTimes, SongBrief } from './draft.ts';
import type { TakeIndex } from './ops.ts';
import type { OrderEndReason, OrderItem, OrderMethod } from './orders.ts';
import type { FormStatus, OrderStatus, SlotStatus } from './status.ts';

// The rows Zero replicates to clients. Column names map to the snake_case SQL of
// schema/migrations; each table here is in the refrain_sync publication with exactly these
// columns (0018 lists them; tests/integration/zero.publication.test.ts holds the two equal), and
// a column is here only when a screen reads it, since every published byte of every change goes
// through zero-cache. Column types are only claims
// about the rows (Zero checks none of them): each says what the server writes there.
const forms = table('forms')
  .columns({
    id: string(),
    ownerId: string().from('owner_id'),
    status: string<FormStatus>(),
    songCount: number().from('song_count'),
    // Whole once committed: draft.put inserts a form and writes its draft in one transaction, so
    // the column's `{}` default is never seen outside it.
    draft: json<DraftDoc>(),
    // Each field's edit time (the t of the server's {t, op} stamps), so a device can merge
    // server edits into its local draft by the same rule the server uses.
    fieldTimes: json<FieldTimes>().from('edit_times'),
    progressReady: number().from('progress_ready'),
    progressTotal: number().from('progress_total'),
    updatedAt: number().from('updated_at'),
  })
  .primaryKey('id');

const songs = table('songs')
  .columns({
    formId: string().from('form_id'),
    songIndex: number().from('song_index'),
    ownerId: string().from('owner_id'),
    brief: json<SongBrief>(),
  })
  .primaryKey('formId', 'songIndex');

const slots = table('slots')
  .columns({
    id: string(),
    formId: string().from('form_id'),
    songIndex: number().from('song_index'),
    variationIndex: number().from('variation_index'),
    attempt: number(),
    ownerId: string().from('owner_id'),
    isCurrent: boolean().from('is_current'),
    status: string<SlotStatus>(),
    preset: string(),
    title: string().optional(),
    lyrics: string().optional(),
    coverUrl: string().optional().from('cover_url'),
    error: string().optional(),
    /** Set while the slot waits for a free place at the music provider. */
    waitingSince: number().optional().from('waiting_since'),
    /** When the takes are expected, once the provider call is answered; only an estimate. */
    expectedReadyAt: number().optional().from('expected_ready_at'),
  })
  .primaryKey('id');

const takes = table('takes')
  .columns({
    id: string(),
    slotId: string().from('slot_id'),
    formId: string().from('form_id'),
    ownerId: string().from('owner_id'),
    takeIndex: number<TakeIndex>().optional().from('take_index'),
    title: string().optional(),
    lyrics: string().optional(),
    previewUrl: string().optional().from('preview_url'),
  })
  .primaryKey('id');

// A live stream of a take still being made; `streamUrl` is a signed path on this server.
const takeStreams = table('takeStreams')
  .from('take_streams')
  .columns({
    id: string(),
    slotId: string().from('slot_id'),
    formId: string().from('form_id'),
    ownerId: string().from('owner_id'),
    takeIndex: number<TakeIndex>().optional().from('take_index'),
    streamUrl: string().from('stream_url'),
    createdAt: number().from('created_at'),
  })
  .primaryKey('id');

const selections = table('selections')
  .columns({
    formId: string().from('form_id'),
    songIndex: number().from('song_index'),
    ownerId: string().from('owner_id'),
    slotId: string().from('slot_id'),
    takeIndex: number<TakeIndex>().from('take_index'),
  })
  .primaryKey('formId', 'songIndex');

const draftHistory = table('draftHistory')
  .from('draft_history')
  .columns({
    id: number(),
    formId: string().from('form_id'),
    ownerId: string().from('owner_id'),
    field: string(),
    value: json<DraftFieldValue | null>().optional(),
  })
  .primaryKey('id');

const orders = table('orders')
  .columns({
    id: string(),
    ownerId: string().from('owner_id'),
    formId: string().from('form_id'),
    method: string<OrderMethod>(),
    status: string<OrderStatus>(),
    items: json<OrderItem[]>(),
    songCount: number().from('song_count'),
    amountCents: number().from('amount_cents'),
    currency: string(),
    creditsSpent: number().from('credits_spent'),
    buyerEmail: string().optional().from('buyer_email'),
    receiptNumber: string().optional().from('receipt_number'),
    createdAt: number().from('created_at'),
    paidAt: number().optional().from('paid_at'),
    // 'already_paid': closed, or refunded, because another order paid for these songs first.
    endReason: string<OrderEndReason>().optional().from('end_reason'),
    refundedAt: number().optional().from('refunded_at'),
  })
  .primaryKey('id');

// An owner's own row carries only the credit balance; the key is named ownerId so it is filtered
// like every other table.
const owners = table('owners')
  .columns({
    ownerId: string().from('id'),
    credits: number(),
  })
  .primaryKey('ownerId');

// A gift link the owner made; the code is the recipient's key, so only its owner ever sees it.
const gifts = table('gifts')
  .columns({
    id: string(),
    ownerId: string().from('owner_id'),
    formId: string().from('form_id'),
    songIndex: number().optional().from('song_index'),
    code: string(),
    fromName: string().optional().from('from_name'),
    toName: string().optional().from('to_name'),
    message: string().optional(),
    revealAt: number().optional().from('reveal_at'),
    createdAt: number().from('created_at'),
    revokedAt: number().optional().from('revoked_at'),
  })
  .primaryKey('id');

const formRelationships = relationships(forms, ({ many }) => ({
  songs: many({ sourceField: ['id'], destField: ['formId'], destSchema: songs }),
  slots: many({ sourceField: ['id'], destField: ['formId'], destSchema: slots }),
  takes: many({ sourceField: ['id'], destField: ['formId'], destSchema: takes }),
  selections: many({ sourceField: ['id'], destField: ['formId'], destSchema: selections }),
}));

const slotRelationships = relationships(slots, ({ many }) => ({
  takes: many({ sourceField: ['id'], destField: ['slotId'], destSchema: takes }),
  streams: many({ sourceField: ['id'], destField: ['slotId'], destSchema: takeStreams }),
}));

export const schema = createSchema({
  tables: [
    forms,
    songs,
    slots,
    takes,
    takeStreams,
    selections,
    draftHistory,
    orders,
    owners,
    gifts,
  ],
  relationships: [formRelationships, slotRelationships],
});

export const zql = createBuilder(schema);

export type Schema = typeof schema;
