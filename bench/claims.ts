import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import type { OpResult, SyncOp } from '../schema/ops.ts';
import { ensureClientBuild } from '../server/build/client.ts';
import { connect } from '../server/db/database.ts';
import { DIST_DIR, ROOT } from '../server/stack.ts';
import { createGuest as makeGuest, type Guest } from '../tests/helpers/guest.ts';
import { draftOf, ops } from '../tests/helpers/ops.ts';
import { freePort } from '../tests/helpers/ports.ts';
import { startStack, type RunningStack } from '../tests/helpers/stack.ts';
import { startMusicGptStandIn, type MusicGptStandIn } from '../tests/standins/musicgpt.ts';
import { DistinctReplays, ReplayBacklog } from './lib/backlog.ts';
import { openLiveRig, type LiveRig } from './lib/live-rig.ts';
import { cpuByGroup, type CpuGroups } from './lib/procs.ts';
import { rawStorm, type StormShape } from './lib/raw-sync.ts';
import { stopStack } from './lib/stack.ts';
import { percentile, round } from './lib/stats.ts';

/**
 * Exactly-once claims under load, on a real stack (embedded Postgres, zero-cache, API) with
 * MusicGPT played by the local stand-in, each figure beside a baseline measured in the same run:
 *
 * 1. Sync storm: 50 guests, each posting batches of 20 ops to /api/sync back to back: 2 s of
 *    warm-up, then a 10 s window in which every batch answered counts. 10 are new ops, 10 are replays of ops the same guest had applied, oldest first and each
 *    replayed once, as an outbox resends a batch whose answers it lost: every replayed id in a
 *    run is distinct. The headline is applied (new) ops per second; replays are their own figure.
 *    The new ops are draft.puts of new forms, and every tenth asks again, under a new op id, for a
 *    slot the guest claimed during setup (a second device), which must not claim twice. The
 *    guests' claims (three slots each) are made and settled before the storm: their provider
 *    calls and song writing would otherwise run inside the measured window, work the raw
 *    baseline does not do.
 * 2. Raw baseline: the same storm shape written by hand with postgres.js against the same cluster
 *    (bench/lib/raw-sync.ts says what each side does per op), and the ratio sync / raw.
 * 3. Webhook → live client: the time from POSTing MusicGPT's cover webhook to the Zero client's
 *    formSlots view showing the slot's coverUrl, idle and while the storm runs (samples spread
 *    over it). The cover touches one row, so it measures webhook commit → replication → client.
 *    Beside each, the bare round trip: an UPDATE of a slot's cover_url made with postgres.js, to
 *    the same view showing it, and the ratio webhook / bare. Idle, the two music webhooks of a
 *    slot → status `ready` too, which adds both audio downloads from the stand-in.
 *
 * The stand-in leaves tasks in progress and sends no webhooks of its own, so the bench decides
 * when each webhook arrives. At the end the provider calls the stand-in accepted must equal the
 * slots in Postgres.
 */

const CLIENTS = 50;
const SHAPE: StormShape = {
  newPerBatch: 10,
  replaysPerBatch: 10,
  warmupMs: 2_000,
  stormMs: 10_000,
};
const BATCH_OPS = SHAPE.newPerBatch + SHAPE.replaysPerBatch;
const REQUEST_TIMEOUT_MS = 15_000;
/** No storm sample starts this close to the storm's end, so each one lies inside it. */
const STORM_TAIL_MS = 500;

const DRAFT = draftOf(1);

type NewKind = 'draft' | 'intent';

interface StormClient {
  index: number;
  guest: Guest;
  formId: string;
  /** The slot of variation 0, claimed during setup. */
  slotV0: string;
  /** Applied ops not yet sent again. */
  backlog: ReplayBacklog<SyncOp>;
  newOps: number;
}

async function postSync(guest: Guest, clientId: string, batch: SyncOp[]): Promise<OpResult[]> {
  const res = await guest.fetch('/api/sync', {
    method: 'POST',
    body: JSON.stringify({ clientId, ops: batch }),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  if (res.status !== 200) throw new Error(`/api/sync answered ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { results: OpResult[] }).results;
}

const slotIdOf = (r: OpResult | undefined) =>
  (r?.result as { slotId?: string } | undefined)?.slotId;

async function setupClient(baseUrl: string, index: number): Promise<StormClient> {
  const guest = await makeGuest(baseUrl);
  const formId = randomUUID();
  const put = ops.draftPut(formId, DRAFT);
  const requests = [0, 1, 2].map((v) => ops.request(formId, 0, v));
  const results = await postSync(guest, `bench-${index}`, [put, ...requests]);
  if (results.some((r) => r.status !== 'applied') || !results.slice(1).every(slotIdOf)) {
    throw new Error(`setup of client ${index}: ${JSON.stringify(results)}`);
  }
  const backlog = new ReplayBacklog<SyncOp>();
  [put, ...requests].forEach((op) => backlog.add(op));
  return { index, guest, formId, slotV0: slotIdOf(results[1])!, backlog, newOps: 0 };
}

/**
 * The new ops a client sends: every 10th asks for variation 0 again under a new id, the rest
 * are draft.puts of new forms.
 */
function newOp(c: StormClient): { op: SyncOp; kind: NewKind } {
  const n = c.newOps++;
  if (n % 10 === 5) return { op: ops.request(c.formId, 0, 0), kind: 'intent' };
  return { op: ops.draftPut(randomUUID(), DRAFT), kind: 'draft' };
}

interface StormTally {
  latencies: number[];
  requests: number;
  applied: number;
  replayed: number;
  distinct: DistinctReplays;
  newDrafts: number;
  newIntents: number;
  wrong: string[];
  errors: string[];
}

async function stormClient(c: StormClient, warmEnd: number, deadline: number, t: StormTally) {
  while (performance.now() < deadline) {
    const batch: SyncOp[] = c.backlog.take(SHAPE.replaysPerBatch);
    const kinds: (NewKind | 'replay')[] = batch.map(() => 'replay');
    for (let i = 0; i < SHAPE.newPerBatch; i++) {
      const { op, kind } = newOp(c);
      batch.push(op);
      kinds.push(kind);
    }
    const started = performance.now();
    let results: OpResult[];
    try {
      results = await postSync(c.guest, `bench-${c.index}`, batch);
    } catch (err) {
      t.errors.push(`client ${c.index}: ${String(err)}`);
      return;
    }
    const finished = performance.now();
    const took = finished - started;
    // A batch counts when it is answered inside the window, wherever it started: on a busy
    // machine the first batches take longer than the warm-up, and counting by start would
    // leave the window nearly empty.
    const counted = finished >= warmEnd && finished <= deadline;

    let applied = 0;
    let replayed = 0;
    batch.forEach((op, i) => {
      const r = results[i];
      const kind = kinds[i]!;
      const expected = kind === 'replay' ? 'duplicate' : 'applied';
      if (r?.id !== op.id || r.status !== expected) {
        t.wrong.push(`${kind} ${op.type}: expected ${expected}, got ${JSON.stringify(r)}`);
        return;
      }
      if (kind === 'replay') {
        replayed++;
        t.distinct.note(op.id);
        return;
      }
      applied++;
      c.backlog.add(op);
      if (kind === 'intent') {
        // Asking for a claimed slot again answers that slot and claims nothing.
        if (slotIdOf(r) !== c.slotV0)
          t.wrong.push(`intent answered ${JSON.stringify(r)}, not slot ${c.slotV0}`);
        if (counted) t.newIntents++;
      } else if (counted) t.newDrafts++;
    });
    if (!counted) continue;
    t.latencies.push(took);
    t.requests++;
    t.applied += applied;
    t.replayed += replayed;
  }
}

/** Waits until no slot is still queued: every claim has had its provider call answered. */
async function settleClaims(sql: postgres.Sql, standIn: MusicGptStandIn, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [row] = await sql<{ slots: number; queued: number }[]>`
      select count(*)::int as slots, count(*) filter (where status = 'queued')::int as queued from slots`;
    if (row!.queued === 0 && standIn.inFlight === 0) return row!.slots;
    if (Date.now() > deadline) {
      throw new Error(
        `claims not settled in ${timeoutMs} ms: ${row!.queued} of ${row!.slots} slots still queued`,
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** CPU cores each part of the stack kept busy from now until `stop()`. */
function cpuWindow(root: number) {
  const from = cpuByGroup(root);
  const t0 = performance.now();
  return () => {
    const to = cpuByGroup(root);
    const sec = (performance.now() - t0) / 1000;
    const cores = (k: keyof CpuGroups) => round((to[k] - from[k]) / sec, 2);
    return {
      api: cores('api'),
      postgres: cores('postgres'),
      zeroCache: cores('zeroCache'),
      bench: cores('bench'),
      // Busy cores machine-wide (kernel included): well above the sum of the parts means
      // something else shared the machine, and the numbers are low for that reason.
      machine: cores('machine'),
    };
  };
}

/** cpuWindow over the measured part of a storm that starts now, read on timers. */
function stormCpu(root: number): Promise<ReturnType<ReturnType<typeof cpuWindow>>> {
  return new Promise((resolve) =>
    setTimeout(() => {
      const stop = cpuWindow(root);
      setTimeout(() => resolve(stop()), SHAPE.stormMs);
    }, SHAPE.warmupMs),
  );
}

const untilTime = (at: number) =>
  new Promise((r) => setTimeout(r, Math.max(0, at - performance.now())));

interface Samples {
  cover: number[];
  coverAnswer: number[];
  bare: number[];
  ready: number[];
}

/** One sample of each kind per idle slot, one at a time: the latency of one change, not a queue. */
async function sampleIdle(rig: LiveRig): Promise<Samples> {
  const s: Samples = { cover: [], coverAnswer: [], bare: [], ready: [] };
  for (const [i, slot] of rig.idleSlots.entries()) {
    const cover = await rig.coverSample(slot);
    s.cover.push(cover.seenMs);
    s.coverAnswer.push(cover.answerMs);
    s.bare.push(await rig.bareSample(rig.bareSlots[i]!));
    s.ready.push(await rig.readySample(slot));
  }
  return s;
}

/**
 * Cover webhooks and bare updates in turn, fired on a schedule that spreads them over the
 * storm's measured window, each on a slot of its own. A webhook does not wait for the one before
 * it, at MusicGPT or here: a sample that runs late never holds the next one back, so a backlog in
 * replication shows in every sample taken while it lasts.
 */
async function sampleDuringStorm(rig: LiveRig, from: number, until: number): Promise<Samples> {
  const s: Samples = { cover: [], coverAnswer: [], bare: [], ready: [] };
  const turns = rig.stormSlots.length * 2;
  const gap = (until - STORM_TAIL_MS - from) / turns;
  const pending: Promise<void>[] = [];
  for (let k = 0; k < turns; k++) {
    await untilTime(from + k * gap);
    const i = Math.floor(k / 2);
    pending.push(
      k % 2 === 0
        ? rig.coverSample(rig.stormSlots[i]!).then((cover) => {
            s.cover.push(cover.seenMs);
            s.coverAnswer.push(cover.answerMs);
          })
        : rig.bareSample(rig.bareSlots[i]!).then((ms) => void s.bare.push(ms)),
    );
  }
  await Promise.all(pending);
  return s;
}

const stats = (xs: number[]) => ({
  p50: round(percentile(xs, 50)),
  p95: round(percentile(xs, 95)),
  max: round(Math.max(...xs)),
});

export async function run() {
  // Built beforehand, as in the startup bench, so the stack's health wait is not spent in Vite.
  await ensureClientBuild(ROOT, DIST_DIR);

  const standIn = await startMusicGptStandIn();
  standIn.script = { ...standIn.script, completes: false };
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'refrain-bench-claims-'));
  let stack: RunningStack | undefined;
  let sql: postgres.Sql | undefined;
  let raw: postgres.Sql | undefined;
  let rig: LiveRig | undefined;
  try {
    const ports = { port: await freePort(), pgPort: await freePort(), zeroPort: await freePort(2) };
    const baseUrl = `http://127.0.0.1:${ports.port}`;
    stack = await startStack({
      dataDir,
      ports,
      env: {
        MUSIC_PROVIDER: 'musicgpt',
        MUSICGPT_API_KEY: standIn.apiKey,
        MUSICGPT_API_URL: standIn.url,
        PUBLIC_URL: baseUrl,
        LOG_LEVEL: 'error',
        // The stand-in never finishes tasks here (no webhook traffic but the bench's own), so
        // MusicGPT's 10-unfinished-tasks cap would hold every later claim: lift it for the bench.
        PROVIDER_MAX_TASKS: '1000',
        // The live owner holds 61 slots in `generating` at once; per-owner limits are not what
        // this bench measures.
        MAX_GENERATING_SLOTS_PER_OWNER: '100',
        RATE_SLOTS_PER_OWNER: '1000/1h',
        // Its files are plain http on loopback, which only trusted hosts may be.
        MEDIA_TRUSTED_HOSTS: new URL(standIn.origin).host,
      },
    });
    // Bare updates during the storm may overlap; each gets a connection of its own.
    sql = postgres(stack.databaseUrl, { max: 8, onnotice: () => {} });

    const clients = await Promise.all(
      Array.from({ length: CLIENTS }, (_, i) => setupClient(baseUrl, i)),
    );
    await settleClaims(sql, standIn);
    rig = await openLiveRig(stack, standIn, sql, {
      requestTimeoutMs: REQUEST_TIMEOUT_MS,
      settle: () => settleClaims(sql!, standIn),
    });

    // --- webhook → Zero client, idle --------------------------------------------------------
    const idle = await sampleIdle(rig);

    // --- raw-Postgres baseline of the storm -------------------------------------------------
    // The API's own pool settings (size included), so both sides reach Postgres alike.
    raw = connect(stack.databaseUrl);
    const [rawRun, rawCores] = await Promise.all([
      rawStorm(
        raw,
        clients.map((c) => c.guest.ownerId),
        SHAPE,
      ),
      stormCpu(stack.child.pid!),
    ]);
    // zero-cache replicates the baseline's rows too; the storm starts once it has caught up.
    const rawDrainMs = await rig.drain();

    // --- sync storm, with webhooks and bare updates sampled during it -----------------------
    const tally: StormTally = {
      latencies: [],
      requests: 0,
      applied: 0,
      replayed: 0,
      distinct: new DistinctReplays(),
      newDrafts: 0,
      newIntents: 0,
      wrong: [],
      errors: [],
    };
    const start = performance.now();
    const warmEnd = start + SHAPE.warmupMs;
    const deadline = warmEnd + SHAPE.stormMs;
    // How late this process's own timers and callbacks ran: the Zero client's listener shares
    // the event loop with 50 storm clients, which delays webhook and bare samples alike.
    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    const liveRig = rig;
    const [, during, syncCores, stormEndDrainMs] = await Promise.all([
      Promise.all(clients.map((c) => stormClient(c, warmEnd, deadline, tally))),
      untilTime(warmEnd).then(() => sampleDuringStorm(liveRig, warmEnd, deadline)),
      stormCpu(stack.child.pid!),
      // How far behind zero-cache is when the storm ends.
      untilTime(deadline).then(() => liveRig.drain()),
      untilTime(warmEnd)
        .then(() => (loopDelay.enable(), untilTime(deadline)))
        .then(() => loopDelay.disable()),
    ]);
    const stormSec = SHAPE.stormMs / 1000;
    if (tally.errors.length)
      throw new Error(`sync requests failed:\n${tally.errors.slice(0, 5).join('\n')}`);
    if (tally.wrong.length) {
      throw new Error(
        `${tally.wrong.length} wrong answers, e.g.:\n${tally.wrong.slice(0, 5).join('\n')}`,
      );
    }

    // --- exactly once ----------------------------------------------------------------------
    const slotsClaimed = await settleClaims(sql, standIn);
    const [ledger] = await sql<{ n: number }[]>`
      select count(*)::int as n from provider_calls where state = 'accepted'`;
    const expectedSlots = CLIENTS * 3 + rig.slotCount;

    const appliedOpsPerSec = Math.round(tally.applied / stormSec);
    const idleCover = stats(idle.cover);
    const idleBare = stats(idle.bare);
    const stormCover = stats(during.cover);
    const stormBare = stats(during.bare);
    const ready = stats(idle.ready);
    const result = {
      bench: 'claims',
      clients: CLIENTS,
      batchOps: BATCH_OPS,
      newPerBatch: SHAPE.newPerBatch,
      replaysPerBatch: SHAPE.replaysPerBatch,
      stormSec: round(stormSec, 2),
      appliedOpsPerSec,
      replayedOpsPerSec: Math.round(tally.replayed / stormSec),
      requestsPerSec: round(tally.requests / stormSec),
      syncP50Ms: round(percentile(tally.latencies, 50)),
      syncP99Ms: round(percentile(tally.latencies, 99)),
      syncMaxMs: round(Math.max(...tally.latencies)),
      rawAppliedOpsPerSec: rawRun.appliedOpsPerSec,
      rawReplayedOpsPerSec: rawRun.replayedOpsPerSec,
      rawBatchP50Ms: rawRun.batchP50Ms,
      rawBatchP99Ms: rawRun.batchP99Ms,
      // Target ≥ 0.35: the API's applied ops per second against Postgres doing the same by hand.
      appliedVsRaw: round(appliedOpsPerSec / rawRun.appliedOpsPerSec, 2),
      requests: tally.requests,
      opsApplied: tally.applied,
      opsReplayed: tally.replayed,
      // Over the whole storm, warm-up included: every replay carried an id of its own.
      distinctReplayedIds: tally.distinct.count,
      newDraftPuts: tally.newDrafts,
      newIntentsForClaimedSlots: tally.newIntents,
      cpuCoresApi: syncCores.api,
      cpuCoresPostgres: syncCores.postgres,
      cpuCoresZeroCache: syncCores.zeroCache,
      cpuCoresBenchClient: syncCores.bench,
      cpuCoresMachine: syncCores.machine,
      rawCpuCoresPostgres: rawCores.postgres,
      rawCpuCoresZeroCache: rawCores.zeroCache,
      rawCpuCoresBenchClient: rawCores.bench,
      rawCpuCoresMachine: rawCores.machine,
      slotsClaimed,
      providerCalls: standIn.accepted,
      providerAttempts: standIn.attempts,
      ledgerAcceptedCalls: ledger!.n,
      idleSamples: idle.cover.length,
      coverWebhookToClientP50Ms: idleCover.p50,
      coverWebhookToClientP95Ms: idleCover.p95,
      coverWebhookToClientMaxMs: idleCover.max,
      coverWebhookAnswerP50Ms: round(percentile(idle.coverAnswer, 50)),
      bareUpdateToClientP50Ms: idleBare.p50,
      bareUpdateToClientP95Ms: idleBare.p95,
      bareUpdateToClientMaxMs: idleBare.max,
      coverVsBareP95: round(idleCover.p95 / idleBare.p95, 2),
      musicWebhooksToReadyP50Ms: ready.p50,
      musicWebhooksToReadyP95Ms: ready.p95,
      musicWebhooksToReadyMaxMs: ready.max,
      stormCoverSamples: during.cover.length,
      stormBareSamples: during.bare.length,
      stormCoverWebhookToClientP50Ms: stormCover.p50,
      stormCoverWebhookToClientP95Ms: stormCover.p95,
      stormCoverWebhookToClientMaxMs: stormCover.max,
      stormCoverWebhookAnswerP50Ms: round(percentile(during.coverAnswer, 50)),
      stormBareUpdateToClientP50Ms: stormBare.p50,
      stormBareUpdateToClientP95Ms: stormBare.p95,
      stormBareUpdateToClientMaxMs: stormBare.max,
      stormCoverVsBareP95: round(stormCover.p95 / stormBare.p95, 2),
      replicationCatchUpAfterRawMs: round(rawDrainMs),
      replicationCatchUpAtStormEndMs: round(stormEndDrainMs),
      stormEventLoopDelayP99Ms: round(loopDelay.percentile(99) / 1e6),
      loadAverage: round(os.loadavg()[0] ?? 0, 1),
    };
    // Every claim made exactly one provider call, and nothing else did.
    if (
      slotsClaimed !== expectedSlots ||
      standIn.accepted !== slotsClaimed ||
      standIn.attempts !== slotsClaimed ||
      ledger!.n !== slotsClaimed
    ) {
      throw new Error(
        `exactly-once broken: ${slotsClaimed} slots (expected ${expectedSlots}), ${standIn.accepted} provider calls accepted, ` +
          `${standIn.attempts} attempted, ${ledger!.n} in the ledger`,
      );
    }
    return result;
  } catch (err) {
    if (stack) console.error(stack.output().slice(-3000));
    throw err;
  } finally {
    await rig?.close().catch(() => {});
    await raw?.end({ timeout: 5 }).catch(() => {});
    await sql?.end({ timeout: 5 }).catch(() => {});
    await stopStack(stack, dataDir);
    await standIn.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const r = await run();
  console.log(
    `claims: ${r.appliedOpsPerSec} applied ops/s (raw Postgres ${r.rawAppliedOpsPerSec}, ratio ${r.appliedVsRaw}, target ≥ 0.35), ` +
      `${r.replayedOpsPerSec} replays/s (${r.distinctReplayedIds} distinct ids), ${r.requestsPerSec} req/s, ` +
      `p50 ${r.syncP50Ms} ms, p99 ${r.syncP99Ms} ms; provider calls ${r.providerCalls} = slots ${r.slotsClaimed}; ` +
      `cover webhook → Zero client idle p95 ${r.coverWebhookToClientP95Ms} ms (bare ${r.bareUpdateToClientP95Ms}, target ≤ 50), ` +
      `during the storm p95 ${r.stormCoverWebhookToClientP95Ms} ms (bare ${r.stormBareUpdateToClientP95Ms}, target ≤ 100)`,
  );
  console.log(JSON.stringify(r));
}
