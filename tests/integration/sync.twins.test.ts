import { randomUUID } from 'node:crypto';
import postgres from 'postgres';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { makeGuest } from '../helpers/api.ts';
import { draftOf, op, ops, song, sync } from '../helpers/ops.ts';

// A new form's first draft.put is applied in one statement with its ledger row (no transaction);
// these are the races that statement must lose cleanly, sent as parallel requests so the op ids
// are not yet in the ledger when each request looks them up.

const { databaseUrl } = inject('stack');
const sql = postgres(databaseUrl, { max: 2, onnotice: () => {} });
afterAll(() => sql.end());

const ROUNDS = 5;
const AT_ONCE = 8;

describe('first draft.puts sent at the same time', () => {
  it('one op sent by many requests at once applies once; the rest answer duplicate with its result', async () => {
    const guest = await makeGuest();
    for (let round = 0; round < ROUNDS; round++) {
      const formId = randomUUID();
      const put = ops.draftPut(formId, draftOf(1));
      const answers = (
        await Promise.all(Array.from({ length: AT_ONCE }, () => sync(guest, [put])))
      ).flat();
      expect(answers.filter((a) => a.status === 'applied')).toHaveLength(1);
      for (const a of answers) {
        expect(a).toEqual({
          id: put.id,
          status: a.status === 'applied' ? 'applied' : 'duplicate',
          result: { formId, lost: 0 },
        });
      }
      const [row] = await sql`
        select (select count(*) from forms where id = ${formId})::int as forms,
               (select count(*) from sync_ops where id = ${put.id})::int as ops,
               (select count(*) from draft_history where form_id = ${formId})::int as history`;
      expect(row).toEqual({ forms: 1, ops: 1, history: 0 });
    }
  });

  it('one op id used at once for two new forms, or by two owners: one applies, the other is a conflict and writes nothing', async () => {
    const owner = await makeGuest();
    const other = await makeGuest();
    for (let round = 0; round < ROUNDS; round++) {
      const id = randomUUID();
      const formIds = [randomUUID(), randomUUID(), randomUUID()];
      const sent = [
        [owner, op('draft.put', ops.draftPut(formIds[0]!, draftOf(1)).args, id)],
        [owner, op('draft.put', ops.draftPut(formIds[1]!, draftOf(1)).args, id)],
        [other, op('draft.put', ops.draftPut(formIds[2]!, draftOf(1)).args, id)],
      ] as const;
      const answers = await Promise.all(sent.map(([g, o]) => sync(g, [o]).then(([a]) => a!)));
      expect(answers.filter((a) => a.status === 'applied')).toHaveLength(1);
      expect(answers.filter((a) => a.status === 'rejected' && a.code === 'conflict')).toHaveLength(
        2,
      );
      const winner = answers.findIndex((a) => a.status === 'applied');
      const forms = await sql<{ id: string }[]>`
        select id from forms where id = any(${formIds}::uuid[])`;
      expect(forms.map((f) => f.id)).toEqual([formIds[winner]]);
      const [ledger] = await sql<{ owner_id: string }[]>`
        select owner_id from sync_ops where id = ${id}`;
      expect(ledger!.owner_id).toBe(sent[winner]![0].ownerId);
    }
  });

  it('two first puts of one new form under different op ids both apply and merge field by field', async () => {
    const guest = await makeGuest();
    for (let round = 0; round < ROUNDS; round++) {
      const formId = randomUUID();
      const t = Date.now();
      const base = draftOf(1);
      const older = ops.draftPut(
        formId,
        { ...base, songs: [song({ story: 'the older story' })] },
        { 'songs.0.story': t + 5 },
      );
      const newer = ops.draftPut(
        formId,
        { ...base, songs: [song({ story: 'the newer story' })] },
        { 'songs.0.story': t + 10 },
      );
      const answers = (await Promise.all([sync(guest, [older]), sync(guest, [newer])])).flat();
      expect(answers.map((a) => a.status)).toEqual(['applied', 'applied']);
      // Whichever came second lost one value to the other.
      expect(answers.map((a) => (a.result as { lost: number }).lost).sort()).toEqual([0, 1]);
      const [form] = await sql<{ draft: { songs: { story: string }[] } }[]>`
        select draft from forms where id = ${formId}`;
      expect(form!.draft.songs[0]!.story).toBe('the newer story');
      const history = await sql`
        select value from draft_history where form_id = ${formId} and field = 'songs.0.story'`;
      expect(history.map((h) => h.value)).toEqual(['the older story']);
    }
  });
});
