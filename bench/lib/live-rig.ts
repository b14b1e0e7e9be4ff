import { randomUUID } from 'node:crypto';
import { EventEmitter, setMaxListeners } from 'node:events';
import type postgres from 'postgres';
import type { SyncOp } from '../../schema/ops.ts';
import { queries } from '../../schema/queries.ts';
import { urlSigner } from '../../server/auth/signing.ts';
import { loadAuthSecret } from '../../server/auth/secret.ts';
import { createGuest } from '../../tests/helpers/guest.ts';
import { draftOf, ops, sync } from '../../tests/helpers/ops.ts';
import type { RunningStack } from '../../tests/helpers/stack.ts';
import { connectZero } from '../../tests/helpers/zero.ts';
import type { MusicGptStandIn, StandInTask } from '../../tests/standins/musicgpt.ts';
import { postWebhook, when, type View } from './live-view.ts';

type SlotLike = {
  readonly id: string;
  readonly status: string;
  readonly coverUrl?: string | null | undefined;
};

/** A slot in `generating`, watched through a live formSlots view of its form. */
export interface LiveSlot {
  slotId: string;
  view: View<readonly SlotLike[]>;
}

/** One owner's slots held in `generating`, a Zero client watching them, and ways to change them. */
export interface LiveRig {
  /** Sampled with no other load. */
  idleSlots: readonly LiveSlot[];
  /** Sampled while a storm runs. */
  stormSlots: readonly LiveSlot[];
  /** Written straight in Postgres by bareSample, never by a webhook; one per storm slot. */
  bareSlots: readonly LiveSlot[];
  /** Slots this rig claimed, for the exactly-once count. */
  slotCount: number;
  /** MusicGPT's cover webhook → the slot's coverUrl in the view; also how long the POST took. */
  coverSample(slot: LiveSlot): Promise<{ seenMs: number; answerMs: number }>;
  /** Both music webhooks → status `ready` in the view (the server downloads both takes first). */
  readySample(slot: LiveSlot): Promise<number>;
  /** An UPDATE of a bare slot's cover_url made straight in Postgres → the new value in the view. */
  bareSample(slot: LiveSlot): Promise<number>;
  /**
   * A bare update on a slot of its own, timed until the view shows it. Replication keeps commit
   * order, so once it is seen every earlier write has reached the client too: zero-cache has
   * caught up, and the time it took says how far behind it was.
   */
  drain(): Promise<number>;
  close(): Promise<void>;
}

// 2 forms × 5 songs × 3 variations = 30 slots for each of idle, storm and bare samples.
const GROUP_FORMS = 2;
const LIVE_SONGS = 5;
// Generous: under a storm on a busy machine zero-cache has been seen 14 s behind.
const SEEN_TIMEOUT_MS = 90_000;

const slotRow = (rows: readonly SlotLike[], slotId: string) => rows.find((s) => s.id === slotId);

export async function openLiveRig(
  stack: RunningStack,
  standIn: MusicGptStandIn,
  sql: postgres.Sql,
  opts: { requestTimeoutMs: number; settle: () => Promise<unknown> },
): Promise<LiveRig> {
  const owner = await createGuest(stack.baseUrl);
  // Idle forms, storm forms, bare forms, then one form of one slot for drain(). A webhook never
  // lands on a bare or drain slot, so its cover_url is the bench's to write.
  const forms = [
    ...Array.from({ length: GROUP_FORMS * 3 }, () => ({ id: randomUUID(), songs: LIVE_SONGS })),
    { id: randomUUID(), songs: 1 },
  ];
  const drainFormIndex = forms.length - 1;
  const groupOf = (formIndex: number) => Math.floor(formIndex / GROUP_FORMS);
  const batch: SyncOp[] = [];
  const formOf: number[] = [];
  forms.forEach((f, formIndex) => {
    batch.push(ops.draftPut(f.id, draftOf(f.songs)));
    formOf.push(formIndex);
    const variations = formIndex === drainFormIndex ? 1 : 3;
    for (let s = 0; s < f.songs; s++) {
      for (let v = 0; v < variations; v++) {
        batch.push(ops.request(f.id, s, v));
        formOf.push(formIndex);
      }
    }
  });
  const results = await sync(owner, batch, 'bench-live');
  const claimed: { slotId: string; formIndex: number }[] = [];
  results.forEach((r, i) => {
    if (r.status !== 'applied') throw new Error(`live setup: ${JSON.stringify(r)}`);
    const slotId = (r.result as { slotId?: string } | undefined)?.slotId;
    if (batch[i]!.type === 'generation.request')
      claimed.push({ slotId: slotId!, formIndex: formOf[i]! });
  });
  await opts.settle();

  // The webhook URL is built here the way the server builds it, from its auth secret; it must
  // match the one the server handed the provider, or the bench would not be posting what
  // MusicGPT posts.
  const signer = urlSigner(loadAuthSecret(stack.dataDir));
  const hookUrl = (slotId: string) =>
    `${stack.baseUrl}/api/webhooks/musicgpt/${slotId}?token=${signer.sign('webhook', slotId)}`;
  const taskOf = new Map<string, StandInTask>();
  for (const task of standIn.tasks.values()) {
    const m = /\/musicgpt\/([0-9a-f-]{36})\?/.exec(String(task.body.webhook_url));
    if (m) taskOf.set(m[1]!, task);
  }
  for (const { slotId } of claimed) {
    const task = taskOf.get(slotId);
    if (!task) throw new Error(`the stand-in has no task for slot ${slotId}`);
    if (task.body.webhook_url !== hookUrl(slotId)) {
      throw new Error(
        `webhook URL mismatch for ${slotId}: server sent ${String(task.body.webhook_url)}`,
      );
    }
  }

  // The Zero client's close signal gathers an abort listener per throttled persist or refresh
  // wait, and Node warns past 10. Signals take the default limit when they are made, so raising
  // it only while the client is built touches nothing else.
  const previousLimit = EventEmitter.defaultMaxListeners;
  setMaxListeners(100);
  let zero: ReturnType<typeof connectZero>;
  try {
    zero = connectZero(stack.zeroUrl, owner);
  } finally {
    setMaxListeners(previousLimit);
  }
  const views = forms.map((f) => zero.materialize(queries.formSlots({ formId: f.id })));
  const close = async () => {
    views.forEach((v) => v.destroy());
    await zero.close();
  };
  try {
    await Promise.all(
      views.map((v, i) => {
        const expected = claimed.filter((c) => c.formIndex === i).length;
        return when(
          v,
          (rows) => rows.length === expected && rows.every((s) => s.status === 'generating'),
          SEEN_TIMEOUT_MS,
          `form ${i} generating in Zero`,
        );
      }),
    );
  } catch (err) {
    await close();
    throw err;
  }

  const live = (c: { slotId: string; formIndex: number }): LiveSlot => ({
    slotId: c.slotId,
    view: views[c.formIndex]!,
  });
  const group = (g: number) => claimed.filter((c) => groupOf(c.formIndex) === g).map(live);
  const drainSlot = live(claimed.find((c) => c.formIndex === drainFormIndex)!);
  let writes = 0;
  const bareWrite = async ({ slotId, view }: LiveSlot) => {
    // A new value each time, so every sample is a change the view has not shown yet.
    const value = `https://bench.invalid/cover-${++writes}.jpg`;
    const seen = when(
      view,
      (rows) => slotRow(rows, slotId)?.coverUrl === value,
      SEEN_TIMEOUT_MS,
      `bare cover_url ${value}`,
    );
    const t0 = performance.now();
    await sql`update slots set cover_url = ${value}, updated_at = now() where id = ${slotId}`;
    return (await seen) - t0;
  };

  return {
    idleSlots: group(0),
    stormSlots: group(1),
    bareSlots: group(2),
    slotCount: claimed.length,
    close,
    async coverSample({ slotId, view }) {
      const cover = taskOf.get(slotId)!.webhooks.find((w) => w.kind === 'cover')!;
      const seen = when(
        view,
        (rows) => !!slotRow(rows, slotId)?.coverUrl,
        SEEN_TIMEOUT_MS,
        `coverUrl of ${slotId}`,
      );
      const t0 = performance.now();
      await postWebhook(hookUrl(slotId), cover.body, opts.requestTimeoutMs);
      const answerMs = performance.now() - t0;
      return { seenMs: (await seen) - t0, answerMs };
    },
    async readySample({ slotId, view }) {
      const music = taskOf.get(slotId)!.webhooks.filter((w) => w.kind === 'music');
      const seen = when(
        view,
        (rows) => slotRow(rows, slotId)?.status === 'ready',
        SEEN_TIMEOUT_MS,
        `${slotId} ready`,
      );
      const t0 = performance.now();
      await Promise.all(
        music.map((w) => postWebhook(hookUrl(slotId), w.body, opts.requestTimeoutMs)),
      );
      return (await seen) - t0;
    },
    bareSample: bareWrite,
    drain: () => bareWrite(drainSlot),
  };
}
