import type { OpCode } from '../schema/ops.ts';

/**
 * Why the server refuses a request. Every op code is one, so an op handler and an HTTP route
 * refuse in the same words; the rest only HTTP answers need.
 */
export type RefusalCode =
  OpCode | 'unauthorized' | 'payment_required' | 'gone' | 'unprocessable' | 'upstream';

/** The HTTP status each refusal answers with; the one place a code becomes a status. */
export const REFUSAL_STATUS = {
  invalid: 400,
  unknown_type: 400,
  unauthorized: 401,
  payment_required: 402,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  state: 409,
  gone: 410,
  limit: 422,
  unprocessable: 422,
  internal: 500,
  upstream: 502,
} as const satisfies Record<RefusalCode, number>;

/**
 * Thrown where a request cannot be done, with a message a person can act on. Domain code throws
 * it without knowing who asked: inside an op's transaction it rolls the op back and answers it
 * rejected (sync/apply.ts); anywhere else it is the HTTP answer (http/errors.ts).
 */
export class Refusal extends Error {
  constructor(
    readonly code: RefusalCode,
    message: string,
  ) {
    super(message);
  }
}
