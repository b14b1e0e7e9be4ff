import { describe, expect, it } from 'vitest';
import { musicGptFixture } from '../helpers/fixtures.ts';
import { readyForm as readyFormIn } from '../helpers/generation.ts';
import { makeGuest, type Guest } from '../helpers/api.ts';

const fx = musicGptFixture({ CREDITS_PER_SONG: '1' });
const { sql } = fx;

const readyForm = (guest: Guest, songs: number) => readyFormIn(sql, guest, songs, 1);

async function payWithCredits(guest: Guest, formId: string) {
  const res = await guest.fetch(`/api/forms/${formId}/checkout`, {
    method: 'POST',
    body: JSON.stringify({ method: 'credits', credits: 0, amountCents: 0 }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

const grant = (guest: Guest, credits: number) =>
  sql`update owners set credits = ${credits} where id = ${guest.ownerId}`;

async function balance(guest: Guest): Promise<number> {
  const [row] = await sql`select credits from owners where id = ${guest.ownerId}`;
  return row!.credits;
}

describe('paying with credits', () => {
  it('two purchases racing for one credit: exactly one succeeds and the balance never goes negative', async () => {
    const guest = await makeGuest(fx.server.baseUrl);
    const forms = await Promise.all([readyForm(guest, 1), readyForm(guest, 1)]);
    await grant(guest, 1);
    const answers = await Promise.all(forms.map((f) => payWithCredits(guest, f)));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 402]);
    const refused = answers.find((a) => a.status === 402)!;
    expect(refused.body.error).toMatch(/costs 1 credit and you have 0/);
    const won = answers.find((a) => a.status === 200)!;
    expect(won.body).toMatchObject({
      status: 'paid',
      method: 'credits',
      creditsSpent: 1,
      credits: 0,
      amountCents: 0,
    });
    expect(await balance(guest)).toBe(0);
    const orders =
      await sql`select form_id, status from orders where form_id = any(${forms}::uuid[])`;
    expect(orders).toEqual([{ form_id: won.body.url.match(/forms\/([^?]+)/)[1], status: 'paid' }]);
  });

  it('many purchases racing for two credits: exactly two succeed', async () => {
    const guest = await makeGuest(fx.server.baseUrl);
    const forms = await Promise.all([1, 2, 3, 4].map(() => readyForm(guest, 1)));
    await grant(guest, 2);
    const answers = await Promise.all(forms.map((f) => payWithCredits(guest, f)));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 402, 402]);
    expect(await balance(guest)).toBe(0);
    const paid =
      await sql`select count(*)::int as n from orders where form_id = any(${forms}::uuid[]) and status = 'paid'`;
    expect(paid[0]!.n).toBe(2);
    const unlocked =
      await sql`select count(*)::int as n from unlocks where form_id = any(${forms}::uuid[])`;
    expect(unlocked[0]!.n).toBe(2);
  });

  it('a double click spends once, one credit per song', async () => {
    const guest = await makeGuest(fx.server.baseUrl);
    const formId = await readyForm(guest, 2);
    await grant(guest, 5);
    const answers = await Promise.all([1, 2, 3].map(() => payWithCredits(guest, formId)));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(new Set(answers.map((a) => a.body.orderId)).size).toBe(1);
    expect(answers[0]!.body).toMatchObject({ status: 'paid', creditsSpent: 2 });
    expect(await balance(guest)).toBe(3);
    expect(await sql`select id from orders where form_id = ${formId}`).toHaveLength(1);
    expect((await guest.fetch(`/api/forms/${formId}/downloads`)).status).toBe(200);
  });

  it('too few credits answers 402 and writes nothing; previews cost nothing', async () => {
    const guest = await makeGuest(fx.server.baseUrl);
    const formId = await readyForm(guest, 2);
    await grant(guest, 1);
    const form = (await (await guest.fetch(`/api/forms/${formId}`)).json()) as {
      takes: { audioUrl: string }[];
    };
    for (const take of form.takes)
      expect((await fetch(`${fx.server.baseUrl}${take.audioUrl}`)).status).toBe(200);
    expect(await balance(guest)).toBe(1);

    const refused = await payWithCredits(guest, formId);
    expect(refused.status).toBe(402);
    expect(refused.body.error).toMatch(/costs 2 credits and you have 1; pay by card instead/);
    expect(await balance(guest)).toBe(1);
    expect(await sql`select id from orders where form_id = ${formId}`).toHaveLength(0);
    const [formRow] = await sql`select status from forms where id = ${formId}`;
    expect(formRow!.status).toBe('ready');
  });

  it('a balance below zero is refused by the database itself', async () => {
    const guest = await makeGuest(fx.server.baseUrl);
    await expect(sql`update owners set credits = -1 where id = ${guest.ownerId}`).rejects.toThrow(
      /check/,
    );
  });
});
