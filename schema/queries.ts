import { defineQueries, defineQuery } from '@rocicorp/zero';
import { z } from 'zod';
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
// so a client cannot widen what it sees by asking for someone else's id.
function ownerOf(ctx: AuthContext): string {
  if (!ctx) throw new Error('not authenticated');
  return ctx.ownerId;
}

export const queries = defineQueries({
  myForms: defineQuery(({ ctx }) =>
    zql.forms.where('ownerId', ownerOf(ctx)).orderBy('updatedAt', 'desc'),
  ),
  form: defineQuery(z.object({ formId: z.string() }), ({ args, ctx }) =>
    zql.forms.where('ownerId', ownerOf(ctx)).where('id', args.formId).one(),
  ),
});
