import { afterAll, describe, expect, it } from 'vitest';
import type { FaultPoint } from '../../server/faults.ts';
import { makeGuest } from '../helpers/api.ts';
import {
  acceptedCalls,
  slotsOf,
  startMusicGptServer,
  testSql,
  waitForSlots,
} from '../helpers/generation.ts';
import { createForm, ops, sync } from '../helpers/ops.ts';
import { waitFor, type RunningStack } from '../helpers/stack.ts';
import {
  startMusicGptStandIn,
  type MusicGptScript,
  type MusicGptStandIn,
} from '../standins/musicgpt.ts';

const sql = testSql();
const running: RunningStack[] = [];
afterAll(async () => {
  await Promise.all(running.map((s) => s.stop()));
  await sql.end();
});

/**
 * Submits a one-song form (3 slots) to a server whose API SIGKILLs itself at `fault`; its
 * supervisor starts a clean API on the same port (so webhooks find it), and every slot must end
 * ready.
 */
async function crashAndRecover(
  fault: FaultPoint,
  script: Partial<MusicGptScript>,
  steps: {
    /** Runs once the submit is answered, to bring the server to its fault point. */
    trigger?: (musicgpt: MusicGptStandIn, formId: string) => Promise<void>;
    /** Runs once the clean API is up. */
    afterRestart?: (musicgpt: MusicGptStandIn) => void;
  } = {},
) {
  const musicgpt = await startMusicGptStandIn();
  Object.assign(musicgpt.script, script);
  const { server } = await startMusicGptServer({ REFRAIN_FAULT: fault }, musicgpt);
  running.push(server);
  const crashedPid = server.apiPid();
  const guest = await makeGuest(server.baseUrl);
  const formId = await createForm(guest, 1);
  const submit = ops.submit(formId);
  // The API may die before it answers; the op is durable either way, and is replayed below.
  await sync(guest, [submit]).catch(() => undefined);
  await steps.trigger?.(musicgpt, formId);
  expect(await server.apiRestarted()).toBe('SIGKILL');
  expect(server.apiPid()).not.toBe(crashedPid);

  steps.afterRestart?.(musicgpt);
  const [replayed] = await sync(guest, [submit]);
  expect(['applied', 'duplicate']).toContain(replayed!.status);
  await waitForSlots(sql, formId, 3, 'ready', 60_000);
  const slots = await slotsOf(sql, formId);
  await server.stop();
  await musicgpt.close();
  return { formId, slots, musicgpt, ledger: await acceptedCalls(sql, formId) };
}

describe('a server killed at any point loses nothing and pays once', () => {
  it('(a) after the claim, before the call: one call per slot', async () => {
    const run = await crashAndRecover('after-claim', {});
    expect(run.slots.every((s) => s.attempt === 1 && s.resubmits === 0)).toBe(true);
    expect(run.musicgpt.accepted).toBe(3);
    expect(run.ledger.map((c) => c.n)).toEqual([1, 1, 1]);
  });

  it('(b) after the provider accepted, before the task id was stored: re-sent at most once, recorded', async () => {
    // No webhook will tell the restarted server about the lost task: it must re-send.
    const run = await crashAndRecover('after-provider-accept', { webhooks: 'none' });
    const resubmits = run.slots.reduce((n, s) => n + s.resubmits, 0);
    expect(resubmits).toBeGreaterThanOrEqual(1);
    expect(run.slots.every((s) => s.resubmits <= 1)).toBe(true);
    // What the provider really received per slot: never more than one call plus its one re-send,
    // and the slot whose accepted answer was lost is the one that got both.
    const tasksFor = (slotId: string) =>
      [...run.musicgpt.tasks.values()].filter((t) => String(t.body.webhook_url).includes(slotId))
        .length;
    for (const slot of run.slots) {
      expect(tasksFor(slot.id)).toBeGreaterThanOrEqual(1);
      expect(tasksFor(slot.id)).toBeLessThanOrEqual(1 + slot.resubmits);
    }
    expect(run.slots.some((s) => tasksFor(s.id) === 2)).toBe(true);
    const recorded = await sql`
      select count(*)::int as n from provider_calls c join slots s on s.id = c.slot_id
      where s.form_id = ${run.formId} and c.kind = 'resubmit' and c.state = 'accepted'`;
    expect(recorded[0]!.n).toBe(resubmits);
  });

  it('(c) while a webhook is handled: one call per slot, completed by redelivery or byId', async () => {
    // Every task is accepted and its id stored before the first webhook arrives, so the crash
    // hits a webhook and nothing else: a submit still in flight would be window (b).
    const run = await crashAndRecover(
      'during-webhook',
      { completes: false },
      {
        trigger: async (musicgpt, formId) => {
          await waitFor(
            async () => (await slotsOf(sql, formId)).filter((s) => s.task_id).length === 3,
            60_000,
          );
          musicgpt.complete([...musicgpt.tasks.keys()][0]!);
        },
        afterRestart: (musicgpt) => {
          for (const taskId of musicgpt.tasks.keys()) musicgpt.complete(taskId);
        },
      },
    );
    expect(run.slots.every((s) => s.resubmits === 0)).toBe(true);
    expect(run.musicgpt.accepted).toBe(3);
    expect(run.ledger.map((c) => c.n)).toEqual([1, 1, 1]);
  });
});
