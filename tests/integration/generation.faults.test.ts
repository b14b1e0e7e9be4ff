import { afterAll, describe, expect, it } from 'vitest';
import { makeGuest } from '../helpers/api.ts';
import { startApiServer } from '../helpers/api-server.ts';
import {
  slotsOf,
  startMusicGptServer,
  testSql,
  waitForSlots,
  type SlotState,
} from '../helpers/generation.ts';
import { createForm, ops, sync } from '../helpers/ops.ts';
import { waitFor, type RunningStack } from '../helpers/stack.ts';
import { startMusicGptStandIn } from '../standins/musicgpt.ts';

const sql = testSql();
const running: RunningStack[] = [];
afterAll(async () => {
  await Promise.all(running.map((s) => s.stop()));
  await sql.end();
});

// Renders of a whole form take minutes on a loaded machine: no other server's one-minute test
// timeout may fail these slots while they wait their turn.
const ENGINE = {
  MUSIC_PROVIDER: 'local',
  ENGINE_CONCURRENCY: '2',
  GENERATION_TIMEOUT_MS: '900000',
};

async function started(server: Promise<RunningStack>): Promise<RunningStack> {
  const s = await server;
  running.push(s);
  return s;
}

/** SIGKILLs the API process, as the OOM killer would; its supervisor starts a clean one. */
async function killApi(server: RunningStack): Promise<void> {
  const from = server.output().length;
  process.kill(server.apiPid(), 'SIGKILL');
  expect(await server.apiRestarted(from)).toBe('SIGKILL');
}

/** The API process answering now is the one that was there before, and nothing went unhandled. */
function expectStillUp(server: RunningStack, pid: number): void {
  expect(server.apiPid()).toBe(pid);
  expect(server.output()).not.toMatch(/unhandled|uncaught|exited; restarting/i);
}

/** Waits until every current slot is ready; a slot that fails ends the wait at once. */
async function readyWithoutFailing(formId: string, count: number, timeoutMs: number) {
  let last: SlotState[] = [];
  await waitFor(
    async () => {
      last = (await slotsOf(sql, formId)).filter((s) => s.is_current);
      const failed = last.find((s) => s.status === 'failed');
      if (failed) throw new Error(`a slot failed: ${failed.error}`);
      return last.length === count && last.every((s) => s.status === 'ready');
    },
    timeoutMs,
    () => JSON.stringify(last.map((s) => [s.variation_index, s.status])),
    200,
  );
  return last;
}

/**
 * Makes the database refuse one kind of write to one form's takes, as a database that drops a
 * connection refuses it for a moment, and counts the refusals. Lifted by `allow()`.
 */
async function refuseTakeWrites(formId: string, when: 'insert' | 'forget-link') {
  const name = `refuse_${formId.replace(/-/g, '')}`;
  const condition =
    when === 'insert'
      ? `new.form_id = '${formId}'`
      : `new.form_id = '${formId}' and old.remote_audio_url is not null and new.remote_audio_url is null`;
  await sql.unsafe(`create sequence ${name}`);
  await sql.unsafe(`
    create function ${name}() returns trigger language plpgsql as $$
    begin
      perform nextval('${name}');
      raise exception 'the database refused this write for a moment';
    end $$`);
  await sql.unsafe(`
    create trigger ${name} before ${when === 'insert' ? 'insert' : 'update'} on takes
    for each row when (${condition}) execute function ${name}()`);
  return {
    refusals: async () => {
      const [seq] = await sql.unsafe(`select last_value, is_called from ${name}`);
      return seq!.is_called ? Number(seq!.last_value) : 0;
    },
    allow: async () => {
      await sql.unsafe(`drop trigger if exists ${name} on takes`);
      await sql.unsafe(`drop function if exists ${name}()`);
      await sql.unsafe(`drop sequence if exists ${name}`);
    },
  };
}

describe('a restart never strands a song', () => {
  it('built-in engine renders lost in a restart render again by themselves, with no "Try again"', async () => {
    const server = await started(startApiServer(ENGINE));
    const guest = await makeGuest(server.baseUrl);
    const formId = await createForm(guest, 1);
    const [submitted] = await sync(guest, [ops.submit(formId)]);
    expect(submitted!.status).toBe('applied');
    await waitFor(
      async () => (await slotsOf(sql, formId)).some((s) => s.status === 'generating'),
      120_000,
      () => 'no slot started rendering',
    );
    await killApi(server);
    const atCrash = await slotsOf(sql, formId);
    expect(atCrash.some((s) => s.status !== 'ready')).toBe(true);

    const slots = await readyWithoutFailing(formId, 3, 480_000);

    // The same attempts, none re-sent and none retried: nobody had to press "Try again".
    expect(slots.map((s) => [s.id, s.attempt, s.resubmits])).toEqual(
      atCrash.map((s) => [s.id, 1, 0]),
    );
    const events = await sql<{ slot_id: string; kind: string; detail: { reason?: string } }[]>`
      select e.slot_id, e.kind, e.detail from generation_events e join slots s on s.id = e.slot_id
      where s.form_id = ${formId}`;
    expect(events.filter((e) => e.kind === 'failed' || e.kind === 'retried')).toEqual([]);
    // A render that was lost says so: it was rendered again, not failed.
    expect(events.some((e) => e.kind === 'resumed')).toBe(true);
    const [stored] = await sql<{ n: number }[]>`
      select count(*)::int as n from takes
      where form_id = ${formId} and audio_file is not null and preview_file is not null`;
    expect(stored!.n).toBe(6);
  }, 600_000);

  it('MusicGPT calls in flight at a crash are closed from the webhooks, and hold no task place', async () => {
    const musicgpt = await startMusicGptStandIn();
    // No answer leaves before all three calls of the form arrived, so all three are in flight
    // when the first answer read kills the server (REFRAIN_FAULT) before it stores a task id.
    let allArrived!: () => void;
    const arrived = new Promise<void>((resolve) => (allArrived = resolve));
    musicgpt.script.onAccept = async () => {
      if (musicgpt.accepted >= 3) allArrived();
      await arrived;
    };
    // Three task places: the three lost answers would take them all if they stayed counted.
    const env = { PROVIDER_MAX_TASKS: '3', WEBHOOK_GRACE_MS: '600000' };
    const { server } = await startMusicGptServer(
      { ...env, REFRAIN_FAULT: 'after-provider-accept' },
      musicgpt,
    );
    running.push(server);
    const guest = await makeGuest(server.baseUrl);
    const formId = await createForm(guest, 1);
    // The API may die before it answers; the op is durable either way.
    await sync(guest, [ops.submit(formId)]).catch(() => undefined);
    await arrived;
    expect(await server.apiRestarted()).toBe('SIGKILL');
    musicgpt.script.onAccept = undefined;
    const open = await sql<{ n: number }[]>`
      select count(*)::int as n from provider_calls c join slots s on s.id = c.slot_id
      where s.form_id = ${formId} and c.state = 'sending'`;
    expect(open[0]!.n).toBeGreaterThan(0);

    // MusicGPT delivers again what it could not deliver to the dead API.
    for (const taskId of musicgpt.tasks.keys()) await musicgpt.deliverAgain(taskId);
    const slots = await waitForSlots(sql, formId, 3, 'ready', 60_000);
    expect(slots.every((s) => s.attempt === 1 && s.resubmits === 0)).toBe(true);
    expect(musicgpt.accepted).toBe(3);

    const calls = await sql<{ slot_id: string; state: string; cents: number }[]>`
      select c.slot_id, c.state, c.estimated_cost_cents as cents
      from provider_calls c join slots s on s.id = c.slot_id
      where s.form_id = ${formId} and c.kind in ('submit', 'resubmit')`;
    expect(calls).toHaveLength(3);
    // Closed from the truth: each task exists, so each call was accepted, and is booked.
    expect(calls.every((c) => c.state === 'accepted' && c.cents > 0)).toBe(true);

    // All three places are free again: a new form's three slots all get a task at once.
    musicgpt.script.completes = false;
    const next = await createForm(guest, 1);
    await sync(guest, [ops.submit(next)]);
    await waitFor(
      () => musicgpt.accepted === 6,
      60_000,
      () => `${musicgpt.accepted - 3} of the new form's 3 calls were made`,
    );
    for (const [taskId, task] of musicgpt.tasks)
      if (task.state === 'in_progress') musicgpt.complete(taskId);
    await waitForSlots(sql, next, 3, 'ready', 60_000);
    await server.stop();
    await musicgpt.close();
  }, 300_000);
});

describe('a failure after the answer never takes the server down', () => {
  it('takes the database refused once are recorded on the next try, and the server stays up', async () => {
    // Nothing polls for them: the engine itself must hand its takes over again.
    const server = await started(startApiServer({ ...ENGINE, RECONCILE_AFTER_MS: '600000' }));
    const pid = server.apiPid();
    const guest = await makeGuest(server.baseUrl);
    const formId = await createForm(guest, 1);
    const refusing = await refuseTakeWrites(formId, 'insert');
    try {
      const [requested] = await sync(guest, [ops.request(formId, 0, 0)]);
      expect(requested!.status).toBe('applied');
      await waitFor(
        async () => (await refusing.refusals()) > 0,
        240_000,
        () => 'no refusal',
      );
    } finally {
      await refusing.allow();
    }
    await readyWithoutFailing(formId, 1, 120_000);
    expectStillUp(server, pid);
  }, 420_000);

  it('an audio fetch after a webhook that fails is logged, the server stays up, and the slot still ends ready', async () => {
    const { server, musicgpt } = await startMusicGptServer();
    running.push(server);
    const pid = server.apiPid();
    // The first take's audio is not an MP3, and forgetting its link is refused for a moment.
    musicgpt.script.onAccept = (task) =>
      void musicgpt.serveFile(`${task.conversionIds[0]}.mp3`, {
        headers: { 'content-type': 'audio/mpeg' },
        body: 'this is not an MP3',
      });
    const guest = await makeGuest(server.baseUrl);
    const formId = await createForm(guest, 1);
    const refusing = await refuseTakeWrites(formId, 'forget-link');
    try {
      await sync(guest, [ops.request(formId, 0, 0)]);
      await waitFor(
        async () => (await refusing.refusals()) > 0,
        60_000,
        () => 'no refusal',
      );
      // The file host recovers: the same link now serves the take.
      const [task] = [...musicgpt.tasks.values()];
      musicgpt.serveFile(`${task!.conversionIds[0]}.mp3`, {
        headers: { 'content-type': 'audio/mpeg' },
        body: musicgpt.mp3,
      });
    } finally {
      await refusing.allow();
    }
    await readyWithoutFailing(formId, 1, 60_000);
    expectStillUp(server, pid);
    await server.stop();
    await musicgpt.close();
  }, 300_000);
});
