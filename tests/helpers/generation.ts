import postgres from 'postgres';
import { inject } from 'vitest';
import {
  startMusicGptStandIn,
  type MusicGptStandIn,
  type StandInTask,
} from '../standins/musicgpt.ts';
import { makeGuest } from './api.ts';
import type { Guest } from './guest.ts';
import { createForm, ops, sync } from './ops.ts';
import { startApiServer } from './api-server.ts';
import { waitFor, type RunningStack } from './stack.ts';

/** A direct connection to the shared stack's database, for counting what happened. */
export function testSql() {
  return postgres(inject('stack').databaseUrl, { max: 4, onnotice: () => {} });
}

export type TestSql = ReturnType<typeof testSql>;

/**
 * An API process on MusicGPT, pointed at a fresh stand-in. The stand-in's files are served over
 * plain http on loopback, so its host:port is the one media host this server trusts (plus any
 * MEDIA_TRUSTED_HOSTS the test adds).
 */
export async function startMusicGptServer(
  env: Record<string, string> = {},
  standIn?: MusicGptStandIn,
  port?: number,
): Promise<{ server: RunningStack; musicgpt: MusicGptStandIn }> {
  const musicgpt = standIn ?? (await startMusicGptStandIn());
  const trusted = [new URL(musicgpt.origin).host, env.MEDIA_TRUSTED_HOSTS].filter(Boolean);
  const server = await startApiServer(
    {
      MUSIC_PROVIDER: 'musicgpt',
      MUSICGPT_API_KEY: musicgpt.apiKey,
      MUSICGPT_API_URL: musicgpt.url,
      ...env,
      MEDIA_TRUSTED_HOSTS: trusted.join(','),
    },
    port,
  );
  return { server, musicgpt };
}

export interface SlotState {
  id: string;
  song_index: number;
  variation_index: number;
  attempt: number;
  status: string;
  is_current: boolean;
  task_id: string | null;
  resubmits: number;
  error: string | null;
}

export function slotsOf(sql: TestSql, formId: string) {
  return sql<SlotState[]>`
    select id, song_index, variation_index, attempt, status, is_current, task_id, resubmits, error
    from slots where form_id = ${formId} order by song_index, variation_index, attempt`;
}

/** Waits until every current slot of the form is ready (or `status`). */
export async function waitForSlots(
  sql: TestSql,
  formId: string,
  count: number,
  status = 'ready',
  timeoutMs = 60_000,
) {
  let last: SlotState[] = [];
  await waitFor(
    async () => {
      last = (await slotsOf(sql, formId)).filter((s) => s.is_current);
      return last.length === count && last.every((s) => s.status === status);
    },
    timeoutMs,
    () => JSON.stringify(last.map((s) => [s.song_index, s.variation_index, s.status, s.error])),
    100,
  );
  return last;
}

/** Accepted provider calls per slot, from the server's own ledger. */
export async function acceptedCalls(sql: TestSql, formId: string) {
  return sql<{ slot_id: string; kind: string; n: number }[]>`
    select c.slot_id, c.kind, count(*)::int as n from provider_calls c join slots s on s.id = c.slot_id
    where s.form_id = ${formId} and c.state = 'accepted' group by 1, 2`;
}

/** A form of `songs` songs, generated and with take `take` of its first variation chosen per song. */
export async function readyForm(
  sql: TestSql,
  guest: Guest,
  songs: number,
  take: 1 | 2 = 1,
): Promise<string> {
  const formId = await createForm(guest, songs);
  await sync(guest, [ops.submit(formId)]);
  const slots = await waitForSlots(sql, formId, songs * 3);
  const chosen = slots.filter((s) => s.variation_index === 0);
  const answers = await sync(
    guest,
    chosen.map((s) => ops.select(formId, s.song_index, s.id, take)),
  );
  if (answers.some((a) => a.status !== 'applied'))
    throw new Error(`selection.set: ${JSON.stringify(answers)}`);
  return formId;
}

/**
 * One variation requested on a new form, waited on until MusicGPT holds its task (with
 * `completes: false` the task stays unfinished until the test completes it).
 */
export async function requestOneVariation(
  sql: TestSql,
  server: RunningStack,
  musicgpt: MusicGptStandIn,
): Promise<{ formId: string; slotId: string; task: StandInTask }> {
  const guest = await makeGuest(server.baseUrl);
  const formId = await createForm(guest, 1);
  const [answer] = await sync(guest, [ops.request(formId, 0, 0)]);
  if (answer?.status !== 'applied')
    throw new Error(`request not applied: ${JSON.stringify(answer)}`);
  let slotId = '';
  let task: StandInTask | undefined;
  await waitFor(
    async () => {
      const [slot] = await sql<{ id: string; status: string; task_id: string | null }[]>`
        select id, status, task_id from slots where form_id = ${formId}`;
      task = slot?.task_id ? musicgpt.tasks.get(slot.task_id) : undefined;
      slotId = slot?.id ?? '';
      return slot?.status === 'generating' && task !== undefined;
    },
    60_000,
    () => `no generating slot for form ${formId}`,
  );
  return { formId, slotId, task: task! };
}
