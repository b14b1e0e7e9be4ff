import { expect, it } from 'vitest';
import { makeGuest } from '../helpers/api.ts';
import { musicGptFixture } from '../helpers/fixtures.ts';
import { readyForm } from '../helpers/generation.ts';
import { ops, sync } from '../helpers/ops.ts';

const fx = musicGptFixture();
const { sql } = fx;

it('a checkout paid after the choice changed on another device leaves chosen what was bought', async () => {
  const phone = await makeGuest(fx.server.baseUrl);
  const formId = await readyForm(sql, phone, 1, 2);
  const opened = await phone.fetch(`/api/forms/${formId}/checkout`, {
    method: 'POST',
    body: '{}',
  });
  const { url, orderId } = (await opened.json()) as { url: string; orderId: string };
  const [bought] = await sql<{ slot_id: string }[]>`
    select slot_id from selections where form_id = ${formId}`;

  // The laptop chooses another take while the phone's checkout page is still open.
  const other = (
    await sql<
      { id: string }[]
    >`select id from slots where form_id = ${formId} and variation_index = 1`
  )[0]!.id;
  const [changed] = await sync(phone, [ops.select(formId, 0, other, 1)]);
  expect(changed!.status).toBe('applied');

  const paid = await fetch(`${url}/pay`, { method: 'POST', redirect: 'manual' });
  expect(paid.status).toBe(303);

  const [order] = await sql<{ status: string; items: { slotId: string; take: number }[] }[]>`
    select status, items from orders where id = ${orderId}`;
  expect(order).toMatchObject({ status: 'paid', items: [{ slotId: bought!.slot_id, take: 2 }] });
  const chosen = await sql`select slot_id, take_index from selections where form_id = ${formId}`;
  expect(chosen).toEqual([{ slot_id: bought!.slot_id, take_index: 2 }]);

  // The paid take stays chosen: the other one is refused, and checking out answers the paid order.
  const [refused] = await sync(phone, [ops.select(formId, 0, other, 1)]);
  expect(refused).toMatchObject({ status: 'rejected', code: 'state' });
  const again = await phone.fetch(`/api/forms/${formId}/checkout`, { method: 'POST', body: '{}' });
  expect(again.status).toBe(200);
  expect(await again.json()).toMatchObject({ orderId, status: 'paid' });
});
