import { randomUUID } from 'node:crypto';
import { afterAll, expect, inject, it } from 'vitest';
import { queries } from '../../schema/queries.ts';
import { makeGuest } from '../helpers/api.ts';
import { testSql } from '../helpers/generation.ts';
import { createForm } from '../helpers/ops.ts';
import { waitFor } from '../helpers/stack.ts';
import { connectZero } from '../helpers/zero.ts';

const { baseUrl, zeroUrl } = inject('stack');
const sql = testSql();
afterAll(() => sql.end());

const redeem = (code: string) =>
  fetch(`${baseUrl}/api/resume-codes/redeem`, { method: 'POST', body: JSON.stringify({ code }) });

it('a resume code gives another device the same owner, once, and its forms arrive there through Zero', async () => {
  const phone = await makeGuest();
  const formId = await createForm(phone, 2);
  const res = await phone.fetch('/api/resume-codes', { method: 'POST' });
  expect(res.status).toBe(201);
  const { code, url } = await res.json();
  expect(url).toMatch(new RegExp(`/resume#${code}$`));

  const first = await redeem(code);
  expect(first.status).toBe(200);
  const laptop = await first.json();
  expect(laptop.ownerId).toBe(phone.ownerId);
  const second = await redeem(code);
  expect(second.status).toBe(410);
  expect((await second.json()).error).toMatch(/already used or has expired/);

  const zero = connectZero(zeroUrl, { ...phone, token: laptop.token });
  try {
    const view = zero.materialize(queries.myForms());
    await waitFor(() => view.data.some((f) => f.id === formId), 20_000);
    view.destroy();
  } finally {
    await zero.close();
  }
});

it('an expired or unknown code is refused', async () => {
  const guest = await makeGuest();
  const { code } = await (await guest.fetch('/api/resume-codes', { method: 'POST' })).json();
  await sql`update resume_codes set expires_at = now() - interval '1 second' where owner_id = ${guest.ownerId}`;
  expect((await redeem(code)).status).toBe(410);
  expect((await redeem(randomUUID())).status).toBe(410);
  expect((await redeem('x')).status).toBe(400);
});
