import { defineQueries, defineQuery } from '@rocicorp/zero';
import type { StandardSchemaV1 } from '@standard-schema/spec';
import { zql } from './zero.ts';

/** What the query endpoint knows about the caller: only what its verified token says. */
export type AuthContext = { ownerId: string } | undefined;

declare module '@rocicorp/zero' {
  interface DefaultTypes {
    schema: typeof import('./zero.ts').schema;
    context: AuthContext;
  }
}

// Every read goes through here: the owner comes from the token, never from query arguments,
// so a client cannot widen what it sees by asking for someone else's id. Related rows are
// filtered by owner too, not trusted through the join.
function ownerOf(ctx: AuthContext): string {
  if (!ctx) throw new Error('not authenticated');
  return ctx.ownerId;
}

/**
 * The arguments of a query about one form: `{ formId }`, anything else refused. Zero validates
 * them on the client and again on the server, where they are whatever a client sent. Written by
 * hand (Zero takes any Standard Schema) so the app's first load carries no validation library.
 */
const formArgs: StandardSchemaV1<{ formId: string }> = {
  '~standard': {
    version: 1,
    vendor: 'refrain',
    validate: (args) =>
      typeof args === 'object' &&
      args !== null &&
      'formId' in args &&
      typeof args.formId === 'string'
        ? { value: { formId: args.formId } }
        : { issues: [{ message: 'expected { formId: string }' }] },
  },
};

export const queries = defineQueries({
  myForms: defineQuery(({ ctx }) =>
    zql.forms.where('ownerId', ownerOf(ctx)).orderBy('updatedAt', 'desc'),
  ),
  form: defineQuery(formArgs, ({ args, ctx }) => {
    const owner = ownerOf(ctx);
    return zql.forms
      .where('ownerId', owner)
      .where('id', args.formId)
      .related('songs', (q) => q.where('ownerId', owner).orderBy('songIndex', 'asc'))
      .related('slots', (q) =>
        q
          .where('ownerId', owner)
          .where('isCurrent', true)
          .orderBy('songIndex', 'asc')
          .orderBy('variationIndex', 'asc')
          .related('takes', (t) => t.where('ownerId', owner).orderBy('takeIndex', 'asc'))
          .related('streams', (t) => t.where('ownerId', owner).orderBy('createdAt', 'asc')),
      )
      .related('selections', (q) => q.where('ownerId', owner))
      .one();
  }),
  formSlots: defineQuery(formArgs, ({ args, ctx }) =>
    zql.slots
      .where('ownerId', ownerOf(ctx))
      .where('formId', args.formId)
      .where('isCurrent', true)
      .orderBy('songIndex', 'asc')
      .orderBy('variationIndex', 'asc'),
  ),
  draftHistory: defineQuery(formArgs, ({ args, ctx }) =>
    zql.draftHistory
      .where('ownerId', ownerOf(ctx))
      .where('formId', args.formId)
      .orderBy('id', 'desc'),
  ),
  myOrders: defineQuery(({ ctx }) =>
    zql.orders.where('ownerId', ownerOf(ctx)).orderBy('createdAt', 'desc'),
  ),
  formOrders: defineQuery(formArgs, ({ args, ctx }) =>
    zql.orders
      .where('ownerId', ownerOf(ctx))
      .where('formId', args.formId)
      .orderBy('createdAt', 'desc'),
  ),
  formGifts: defineQuery(formArgs, ({ args, ctx }) =>
    zql.gifts
      .where('ownerId', ownerOf(ctx))
      .where('formId', args.formId)
      .orderBy('createdAt', 'desc'),
  ),
  /** The covers of my songs: every slot of mine that has one (the library shows them). */
  myCovers: defineQuery(({ ctx }) =>
    zql.slots.where('ownerId', ownerOf(ctx)).where('coverUrl', 'IS NOT', null),
  ),
  myCredits: defineQuery(({ ctx }) => zql.owners.where('ownerId', ownerOf(ctx)).one()),
});
