import { describe, expect, it } from 'vitest';
import { queries } from '../../schema/queries.ts';

// Zero checks a query's arguments on the client and again on the server, where they are whatever
// a client sent; the form queries take `{ formId: string }` and nothing else.

const ctx = { ownerId: 'owner-a' };

describe("the form queries' arguments", () => {
  it('are taken as { formId }', () => {
    expect(() => queries.form.fn({ args: { formId: 'form-1' }, ctx })).not.toThrow();
    expect(() => queries.formSlots.fn({ args: { formId: 'form-1' }, ctx })).not.toThrow();
  });

  it('are refused with a reason when formId is missing or not text', () => {
    const refused: unknown[] = [{}, { formId: 7 }, { formId: null }, null, 'form-1', ['form-1']];
    for (const args of refused) {
      expect(() => queries.form.fn({ args: args as { formId: string }, ctx })).toThrow(
        /Validation failed for query form: expected \{ formId: string \}/,
      );
    }
  });
});
