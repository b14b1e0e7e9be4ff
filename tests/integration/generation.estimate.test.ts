import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { queries } from '../../schema/queries.ts';
import { DEFAULT_RENDER_SPEED, DEFAULT_TAKE_SEC } from '../../server/engine/estimate.ts';
import { makeGuest } from '../helpers/api.ts';
import { startApiServer } from '../helpers/api-server.ts';
import { musicGptFixture } from '../helpers/fixtures.ts';
import { requestOneVariation } from '../helpers/generation.ts';
import { createForm, ops, sync } from '../helpers/ops.ts';
import { waitFor, type RunningStack } from '../helpers/stack.ts';
import { connectZero } from '../helpers/zero.ts';

const fx = musicGptFixture();
const { sql } = fx;

type Expected = {
  id: string;
  status: string;
  submitted_at: Date | null;
  expected_ready_at: Date | null;
};

const expectedOf = async (slotId: string) =>
  (
    await sql<Expected[]>`
      select id, status, submitted_at, expected_ready_at from slots where id = ${slotId}`
  )[0]!;

const seconds = (from: Date, to: Date) => (to.getTime() - from.getTime()) / 1000;

it("a slot sent to MusicGPT is expected when its answer's eta says", async () => {
  fx.musicgpt.script.completes = false;
  fx.musicgpt.script.eta = 420;
  const { slotId } = await requestOneVariation(sql, fx.server, fx.musicgpt);
  const slot = await expectedOf(slotId);
  expect(slot.status).toBe('generating');
  // Recorded with the answer, in the same statement as the submit time.
  expect(seconds(slot.submitted_at!, slot.expected_ready_at!)).toBeCloseTo(420, 3);
});

it('a MusicGPT answer without an eta leaves the slot without an estimate', async () => {
  fx.musicgpt.script.completes = false;
  fx.musicgpt.script.eta = null;
  const { slotId } = await requestOneVariation(sql, fx.server, fx.musicgpt);
  const slot = await expectedOf(slotId);
  expect(slot.status).toBe('generating');
  expect(slot.expected_ready_at).toBeNull();
});

it('the estimate reaches the owner live through Zero', async () => {
  fx.musicgpt.script.completes = false;
  fx.musicgpt.script.eta = 300;
  const guest = await makeGuest(fx.server.baseUrl);
  const formId = await createForm(guest, 1);
  const zero = connectZero(inject('stack').zeroUrl, guest);
  const view = zero.materialize(queries.formSlots({ formId }));
  try {
    const [answer] = await sync(guest, [ops.request(formId, 0, 0)]);
    expect(answer!.status).toBe('applied');
    await waitFor(
      () => view.data.length === 1 && view.data[0]!.expectedReadyAt != null,
      60_000,
      () => JSON.stringify(view.data),
    );
    const seen = view.data[0]!;
    const stored = await expectedOf(seen.id);
    // Zero carries the time in milliseconds; Postgres keeps microseconds.
    expect(Math.abs(seen.expectedReadyAt! - stored.expected_ready_at!.getTime())).toBeLessThan(1);
    expect(seen.status).toBe('generating');
  } finally {
    view.destroy();
    await zero.close();
  }
});

// The built-in engine, one render at a time, on a process of its own (its speed is measured per
// process, so this one starts from the default).
let engine: RunningStack;
beforeAll(async () => {
  engine = await startApiServer({ MUSIC_PROVIDER: 'local', ENGINE_CONCURRENCY: '1' });
});
afterAll(async () => {
  await engine?.stop();
});

it("a slot the built-in engine renders is expected after its two takes, at the engine's speed", async () => {
  const guest = await makeGuest(engine.baseUrl);
  const formId = await createForm(guest, 1);
  const requestedAt = Date.now();
  const [answer] = await sync(guest, [ops.request(formId, 0, 0)]);
  expect(answer!.status).toBe('applied');
  let slot: Expected | undefined;
  await waitFor(
    async () => {
      [slot] = await sql<Expected[]>`
        select id, status, submitted_at, expected_ready_at from slots where form_id = ${formId}`;
      return slot?.expected_ready_at != null;
    },
    120_000,
    () => JSON.stringify(slot),
  );
  const lead = seconds(slot!.submitted_at!, slot!.expected_ready_at!);
  expect(lead).toBeGreaterThan(0);

  // The answer's own estimate: nothing measured yet on this process, one worker, two takes of
  // the default length one after the other.
  const [call] = await sql<{ response: { etaSec?: number } }[]>`
    select response from provider_calls where slot_id = ${slot!.id} and state = 'accepted'`;
  const oneTake = DEFAULT_TAKE_SEC / DEFAULT_RENDER_SPEED;
  // On a busy machine the call can be made again (its lease ran out); the answer then counts
  // down from when the render was first queued, at the earliest when the request was sent.
  const sinceRequest = (slot!.submitted_at!.getTime() - requestedAt) / 1000;
  expect(call!.response.etaSec).toBeGreaterThanOrEqual(2 * oneTake - sinceRequest - 2);
  expect(call!.response.etaSec).toBeLessThanOrEqual(2 * oneTake);
  // Moved only as the queue moved since (a render started or ended): never later than a whole
  // queue at the default speed from now.
  expect(lead).toBeLessThanOrEqual(call!.response.etaSec! + 2 * oneTake);
}, 300_000);
