import { expect, inject, it } from 'vitest';
import { musicGptFixture } from '../helpers/fixtures.ts';
import { queries } from '../../schema/queries.ts';
import { makeGuest } from '../helpers/api.ts';
import { acceptedCalls, waitForSlots } from '../helpers/generation.ts';
import { createForm, ops, sync } from '../helpers/ops.ts';
import { waitFor } from '../helpers/stack.ts';
import { connectZero } from '../helpers/zero.ts';

const fx = musicGptFixture();
const { sql } = fx;

it('20 devices × 10 replays of submit and every request make exactly 9 provider calls, and every device sees 9 ready live', async () => {
  const guest = await makeGuest(fx.server.baseUrl);
  const formId = await createForm(guest, 3);
  const devices = Array.from({ length: 20 }, () => {
    const batch = [ops.submit(formId)];
    for (let s = 0; s < 3; s++) for (let v = 0; v < 3; v++) batch.push(ops.request(formId, s, v));
    return batch;
  });
  const zeros = devices.map(() => connectZero(inject('stack').zeroUrl, guest));
  const views = zeros.map((z) => z.materialize(queries.formSlots({ formId })));
  try {
    const answers = await Promise.all(
      devices.flatMap((batch, d) =>
        Array.from({ length: 10 }, () => sync(guest, batch, `device-${d}`)),
      ),
    );
    for (const batchAnswers of answers) {
      for (const a of batchAnswers) expect(['applied', 'duplicate']).toContain(a.status);
    }
    // Each device's ops applied exactly once, whatever the replays.
    const applied = answers.flat().filter((a) => a.status === 'applied');
    expect(applied).toHaveLength(20 * 10);

    const slots = await waitForSlots(sql, formId, 9);
    expect(slots.every((s) => s.attempt === 1)).toBe(true);
    expect(fx.musicgpt.accepted).toBe(9);
    expect(fx.musicgpt.attempts).toBe(9);
    const ledger = await acceptedCalls(sql, formId);
    expect(ledger).toHaveLength(9);
    expect(ledger.every((c) => c.n === 1 && c.kind === 'submit')).toBe(true);

    await waitFor(
      () => views.every((v) => v.data.length === 9 && v.data.every((s) => s.status === 'ready')),
      30_000,
      () => JSON.stringify(views.map((v) => v.data.filter((s) => s.status === 'ready').length)),
    );
  } catch (err) {
    console.error(fx.server.output().slice(-3000));
    throw err;
  } finally {
    views.forEach((v) => v.destroy());
    await Promise.all(zeros.map((z) => z.close()));
  }
});
