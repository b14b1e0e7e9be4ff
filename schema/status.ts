// The states a form, a slot and an order go through, as the check constraints of schema/migrations allow
// them. Postgres refuses any other value, so these are the whole of what a row can hold.

/**
 * A form: a draft until submitted, then what its current slots add up to (refresh_form_progress),
 * and paid for good once bought.
 */
export type FormStatus = 'draft' | 'submitted' | 'generating' | 'ready' | 'failed' | 'paid';

/** One attempt at one variation of one song. */
export type SlotStatus = 'queued' | 'generating' | 'ready' | 'failed';

/**
 * An order: `pending` until paid or ended. `refunded` was paid after another order had paid for
 * the same songs, so its money goes back.
 */
export type OrderStatus = 'pending' | 'paid' | 'failed' | 'expired' | 'refunded';
