import { createBuilder, createSchema, json, number, string, table } from '@rocicorp/zero';

// The rows Zero replicates to clients. Column names map to the snake_case SQL of
// schema/migrations; only tables in the refrain_sync publication may appear here.
const forms = table('forms')
  .columns({
    id: string(),
    ownerId: string().from('owner_id'),
    status: string(),
    songCount: number().from('song_count'),
    draft: json(),
    createdAt: number().from('created_at'),
    updatedAt: number().from('updated_at'),
  })
  .primaryKey('id');

export const schema = createSchema({
  tables: [forms],
});

export const zql = createBuilder(schema);

export type Schema = typeof schema;
