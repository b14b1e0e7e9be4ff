import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { musicGptFixture } from '../helpers/fixtures.ts';
import { makeGuest } from '../helpers/api.ts';
import {
  acceptedCalls,
  slotsOf,
  startMusicGptServer,
  waitForSlots,
} from '../helpers/generation.ts';
import { createForm, ops, sync } from '../helpers/ops.ts';
import { waitFor, type RunningStack } from '../helpers/stack.ts';
import type { MusicGptStandIn } from '../standins/musicgpt.ts';

const fx = musicGptFixture();
const { sql } = fx;

describe('nothing waits forever', () => {
  it('a webhook that never comes: the slot completes through byId', async () => {
    fx.musicgpt.reset();
    fx.musicgpt.script.webhooks = 'none';
    const guest = await makeGuest(fx.server.baseUrl);
    const formId = await createForm(guest, 1);
    await sync(guest, [ops.submit(formId)]);
    await waitForSlots(sql, formId, 3, 'ready', 30_000);
    expect(fx.musicgpt.deliveries).toHaveLength(0);
    expect(fx.musicgpt.polls).toBeGreaterThanOrEqual(3);
    expect(fx.musicgpt.accepted).toBe(3);
    const takes =
      await sql`select count(*)::int as n from takes where form_id = ${formId} and audio_file is not null`;
    expect(takes[0]!.n).toBe(6);
  });

  it('a provider that never completes: failed after the timeout with a reason, and retry makes exactly one new call', async () => {
    // Its own server: a short timeout here must not fail the slow-but-fine slots of other tests.
    const { server: impatient } = await startMusicGptServer(
      { GENERATION_TIMEOUT_MS: '3000' },
      fx.musicgpt,
    );
    try {
      await neverCompletes(impatient);
    } finally {
      await impatient.stop();
    }
  });

  async function neverCompletes(target: RunningStack) {
    fx.musicgpt.reset();
    fx.musicgpt.script.completes = false;
    const guest = await makeGuest(target.baseUrl);
    const formId = await createForm(guest, 1);
    await sync(guest, [ops.submit(formId)]);
    const failed = await waitForSlots(sql, formId, 3, 'failed', 30_000);
    expect(failed[0]!.error).toMatch(/did not finish within .* try it again/);
    const [form] =
      await sql`select status, progress_ready, progress_total from forms where id = ${formId}`;
    expect(form).toMatchObject({ status: 'failed', progress_ready: 0, progress_total: 3 });
    expect(fx.musicgpt.accepted).toBe(3);

    fx.musicgpt.script.completes = true;
    const retry = ops.retry(failed[0]!.id);
    // The same retry replayed, and a second retry of the same attempt from another device.
    const answers = await Promise.all([
      sync(guest, [retry]),
      sync(guest, [retry]),
      sync(guest, [ops.retry(failed[0]!.id)]),
    ]);
    const statuses = answers
      .flat()
      .map((a) => a.status)
      .sort();
    expect(statuses.filter((s) => s === 'applied')).toHaveLength(1);
    await waitFor(
      async () => (await slotsOf(sql, formId)).some((s) => s.attempt === 2 && s.status === 'ready'),
      30_000,
    );
    expect(fx.musicgpt.accepted).toBe(4);
    const slots = await slotsOf(sql, formId);
    expect(slots.filter((s) => s.is_current)).toHaveLength(3);
    expect(slots.find((s) => s.attempt === 2)!.variation_index).toBe(failed[0]!.variation_index);

    const [notFailed] = await sync(guest, [ops.retry(slots.find((s) => s.attempt === 2)!.id)]);
    expect(notFailed).toMatchObject({ status: 'rejected', code: 'state' });
  }

  it('an out-of-funds provider fails the slots with a clear reason and calls no further', async () => {
    fx.musicgpt.reset();
    fx.musicgpt.script.outOfFunds = true;
    const guest = await makeGuest(fx.server.baseUrl);
    const formId = await createForm(guest, 1);
    await sync(guest, [ops.submit(formId)]);
    const failed = await waitForSlots(sql, formId, 3, 'failed', 30_000);
    expect(failed.every((s) => /out of funds/.test(s.error ?? ''))).toBe(true);
    expect(fx.musicgpt.attempts).toBe(3);
    expect(fx.musicgpt.accepted).toBe(0);
  });
});

describe("MusicGPT's 10 parallel tasks per key", () => {
  it('never more than 10 unfinished tasks: the rest wait their turn instead of collecting 429s', async () => {
    const musicgpt2 = await (await import('../standins/musicgpt.ts')).startMusicGptStandIn();
    musicgpt2.script.completes = false;
    musicgpt2.script.parallelTaskLimit = 10;
    const { server: capped } = await startMusicGptServer({}, musicgpt2);
    try {
      const guest = await makeGuest(capped.baseUrl);
      const formId = await createForm(guest, 4);
      await sync(guest, [ops.submit(formId)]);
      await waitFor(
        () => musicgpt2.accepted === 10,
        30_000,
        () => `accepted ${musicgpt2.accepted}`,
      );
      // Two more slots wait; finishing tasks frees places for them, one each.
      const first = [...musicgpt2.tasks.keys()];
      musicgpt2.complete(first[0]!);
      musicgpt2.complete(first[1]!);
      await waitFor(
        () => musicgpt2.accepted === 12,
        30_000,
        () => `accepted ${musicgpt2.accepted}`,
      );
      expect(musicgpt2.attempts).toBe(12);
      expect(musicgpt2.maxInFlight).toBeLessThanOrEqual(10);
      // The stand-in counts a task before its answer reaches the server; the ledger follows.
      await waitFor(async () => (await acceptedCalls(sql, formId)).length === 12, 30_000);
      const [busy] = await sql`
        select count(*)::int as n from provider_calls c join slots s on s.id = c.slot_id
        where s.form_id = ${formId} and c.http_status = 429`;
      expect(busy!.n).toBe(0);
    } finally {
      await capped.stop();
      await musicgpt2.close();
    }
  });
});

describe('429 storms', () => {
  let busy: RunningStack;
  let storm: MusicGptStandIn;
  beforeAll(async () => {
    ({ server: busy, musicgpt: storm } = await startMusicGptServer({
      PROVIDER_MAX_ATTEMPTS: '20',
    }));
  });
  afterAll(async () => {
    await busy?.stop();
    await storm?.close();
  });

  it('back off honouring Retry-After, never more than 10 calls in flight, no slot twice', async () => {
    storm.script.rateLimitNext = 40;
    storm.script.retryAfterSec = 0.05;
    storm.script.responseDelayMs = 30;
    const guest = await makeGuest(busy.baseUrl);
    const formId = await createForm(guest, 5);
    await sync(guest, [ops.submit(formId)]);
    await waitForSlots(sql, formId, 15, 'ready', 60_000);
    expect(storm.maxInFlight).toBeLessThanOrEqual(10);
    expect(storm.attempts).toBe(15 + 40);
    expect(storm.accepted).toBe(15);
    const ledger = await acceptedCalls(sql, formId);
    expect(ledger).toHaveLength(15);
    expect(ledger.every((c) => c.n === 1)).toBe(true);
    const [retried] = await sql`
      select count(*)::int as n from provider_calls c join slots s on s.id = c.slot_id
      where s.form_id = ${formId} and c.state = 'retryable' and c.http_status = 429`;
    expect(retried!.n).toBe(40);
  });
});
