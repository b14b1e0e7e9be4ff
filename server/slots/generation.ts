import { createHash, randomBytes } from 'node:crypto';
import os from 'node:os';
import type { Sql } from 'postgres';
import type { UrlSigner } from '../auth/signing.ts';
import type { Config } from '../config.ts';
import { jsonb } from '../db/jsonb.ts';
import { faultPoint } from '../faults.ts';
import { logger } from '../log.ts';
import type { MusicProvider, SubmitRequest } from '../providers/types.ts';
import type { AudioStorage } from '../audio/storage.ts';
import { presetOfSlot, sungNamesOf, type Writer } from '../writer/index.ts';
import type { SongBrief } from '../../schema/draft.ts';
import type { SlotStatus } from '../../schema/status.ts';
import { leaveTaskLine, markWaiting, mayTakeTaskPlace } from './admission.ts';
import { lockFormOfSlot, refreshProgress } from './claim.ts';
import { recordEvent } from './events.ts';
import { Intake } from './intake.ts';
import { failSlot, recordTakes, type TakeUpdate, type TaskInfo } from './outcome.ts';
import { RenderLeases } from './render-leases.ts';
import { markSubmitted } from './submitted.ts';
import { writeSlotText } from './text.ts';

const log = logger('generation');

export interface GenerationDeps {
  sql: Sql;
  config: Pick<Config, 'publicUrl' | 'mediaTrustedHosts' | 'providerMaxAttempts' | 'timing'>;
  provider: MusicProvider;
  /** The provider account (see providerIdentity): what slots and the ledger record. */
  providerId: string;
  writer: Writer;
  signer: UrlSigner;
  storage: AudioStorage;
}

interface SlotRow {
  id: string;
  form_id: string;
  owner_id: string;
  song_index: number;
  variation_index: number;
  attempt: number;
  status: SlotStatus;
  preset: string;
  title: string | null;
  music_prompt: string | null;
  music_style: string | null;
  lyrics: string | null;
  lease_owner: string | null;
  task_id: string | null;
  resubmits: number;
  created_at: Date;
  brief: SongBrief;
  song_count: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// How often a built-in engine slot is rendered again after losing its render (its process
// stopped, or the render failed); lost once more, it fails with a reason instead of looping.
const MAX_ENGINE_RESUMES = 3;

/**
 * Runs generation for slots this process claimed: write the text, make the one provider call,
 * store the task id the moment it returns, and bring finished audio into storage. Retry policy
 * for provider answers lives here, and only here.
 */
export class Generation {
  readonly workerId = `${os.hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  private readonly running = new Set<string>();
  private readonly intake: Intake;
  private readonly renders: RenderLeases;
  private stopped = false;

  constructor(private readonly deps: GenerationDeps) {
    this.intake = new Intake({ ...deps, trustedHosts: deps.config.mediaTrustedHosts });
    this.renders = new RenderLeases(
      deps.sql,
      deps.provider,
      this.workerId,
      deps.config.timing.renderLeaseMs,
    );
  }

  get providerId(): string {
    return this.deps.providerId;
  }

  /** Starts the slots this process just claimed; returns at once. */
  start(slotIds: string[], kind: 'submit' | 'resubmit' = 'submit'): void {
    for (const id of slotIds) {
      if (this.running.has(id)) continue;
      this.running.add(id);
      void this.submit(id, kind)
        .catch((err) =>
          log.error('slot job failed', { slotId: id, error: String(err?.stack ?? err) }),
        )
        .finally(() => this.running.delete(id));
    }
  }

  stop(): void {
    this.stopped = true;
    this.renders.stop();
  }

  /** What a call that made a task costs, for ledger rows closed from a webhook or a poll. */
  get callCostCents(): number {
    return this.deps.provider.estimatedCostCents;
  }

  /**
   * Where the provider reports on the slot's task: its route, the slot and an HMAC of it (a
   * provider signs nothing, so the token is what proves a delivery is about this slot). None for
   * a provider that sends no webhooks.
   */
  private webhookUrl(slotId: string): string | undefined {
    const route = this.deps.provider.webhookRoute;
    if (route === undefined) return undefined;
    const token = this.deps.signer.sign('webhook', slotId);
    return `${this.deps.config.publicUrl}${route}/${slotId}?token=${token}`;
  }

  private async loadSlot(slotId: string): Promise<SlotRow | undefined> {
    const [slot] = await this.deps.sql<SlotRow[]>`
      select s.id, s.form_id, s.owner_id, s.song_index, s.variation_index, s.attempt, s.status, s.preset, s.title,
             s.music_prompt, s.music_style, s.lyrics, s.lease_owner, s.task_id, s.resubmits, s.created_at, g.brief, f.song_count
      from slots s
      join songs g on g.form_id = s.form_id and g.song_index = s.song_index
      join forms f on f.id = s.form_id
      where s.id = ${slotId}`;
    return slot;
  }

  /** Extends this process's lease; false once another process has taken the slot over. */
  private async extendLease(slotId: string, extraMs = 0): Promise<boolean> {
    const rows = await this.deps.sql`
      update slots set lease_expires_at = now() + ${this.deps.config.timing.slotLeaseMs + extraMs} * interval '1 millisecond'
      where id = ${slotId} and lease_owner = ${this.workerId} and status = 'queued'
      returning id`;
    return rows.length > 0;
  }

  /**
   * Keeps the lease alive while this process works on the slot (writing, calling, backing off),
   * so a slow step is never mistaken for a dead claimer. Only a process that stops heart-beating
   * (it crashed) lets the lease run out.
   */
  private holdLease(slotId: string): () => void {
    const every = Math.max(50, Math.floor(this.deps.config.timing.slotLeaseMs / 3));
    const timer = setInterval(() => void this.extendLease(slotId).catch(() => undefined), every);
    return () => clearInterval(timer);
  }

  /**
   * Opens the ledger row of a call, but only while this process still holds the slot (lease check
   * and insert in one transaction), and, for a provider that caps its tasks (maxTasks: MusicGPT
   * runs PROVIDER_MAX_TASKS per key, and a task stays unfinished for minutes after its call
   * returned), only while the account has a free task place. Places go to waiting slots fairly
   * across owners (admission.ts). The account's advisory lock makes the count, the choice and the
   * insert one step across every server process. Answers the call id, 'busy' (wait and ask again)
   * or undefined (the slot is no longer ours).
   */
  private async openCall(
    slotId: string,
    kind: 'submit' | 'resubmit',
    requestHash: string,
  ): Promise<number | 'busy' | undefined> {
    const { sql, config, providerId } = this.deps;
    const { maxTasks } = this.deps.provider;
    return sql.begin(async (tx) => {
      await tx`select pg_advisory_xact_lock(hashtext(${`provider:${providerId}`}))`;
      const place =
        maxTasks === undefined
          ? { admitted: true, waited: false }
          : await mayTakeTaskPlace(
              tx,
              providerId,
              slotId,
              maxTasks,
              config.timing.generationTimeoutMs,
            );
      if (!place.admitted) return 'busy' as const;
      const [call] = await tx<{ id: number }[]>`
        with held as (
          update slots set lease_expires_at = now() + ${config.timing.slotLeaseMs} * interval '1 millisecond'
          where id = ${slotId} and lease_owner = ${this.workerId} and status = 'queued'
          returning id
        )
        insert into provider_calls (slot_id, provider, kind, request_hash)
        select id, ${providerId}, ${kind}, ${requestHash} from held
        returning id`;
      if (call && place.waited) await leaveTaskLine(tx, slotId);
      return call?.id;
    });
  }

  private async submit(slotId: string, kind: 'submit' | 'resubmit'): Promise<void> {
    const release = this.holdLease(slotId);
    try {
      await this.submitHeld(slotId, kind);
    } finally {
      release();
      // Only a capped provider has a waiting line (see openCall).
      if (this.deps.provider.maxTasks !== undefined)
        await leaveTaskLine(this.deps.sql, slotId).catch(() => undefined);
    }
  }

  private async submitHeld(slotId: string, kind: 'submit' | 'resubmit'): Promise<void> {
    const { sql, provider, config } = this.deps;
    let slot = await this.loadSlot(slotId);
    if (!slot || slot.status !== 'queued' || slot.lease_owner !== this.workerId) return;

    if (!slot.music_prompt) {
      await writeSlotText(sql, this.deps.writer, slot);
      slot = (await this.loadSlot(slotId))!;
    }
    faultPoint('after-claim');

    const request = this.requestFor(slot);
    const requestHash = createHash('sha256').update(JSON.stringify(request)).digest('hex');

    for (let attempt = 1; attempt <= config.providerMaxAttempts && !this.stopped; attempt++) {
      const callId = await this.openCall(slotId, kind, requestHash);
      if (callId === undefined) return; // another process holds the slot now
      if (callId === 'busy') {
        // Waiting for a free task place is not a failed attempt; the heartbeat keeps the lease.
        attempt--;
        await sleep(config.timing.providerBusyWaitMs * (0.5 + Math.random() / 2));
        continue;
      }
      const call = { id: callId };
      const started = Date.now();
      const result = await provider.submit(request);

      if (result.kind === 'accepted') {
        faultPoint('after-provider-accept');
        // An in-process provider (the built-in engine) renders here: the slot stays leased while
        // it does.
        const rendersHere = provider.isRunningHere?.(result.taskId) ?? false;
        await sql.begin(async (tx) => {
          await lockFormOfSlot(tx, slotId);
          await tx`
            update provider_calls set state = 'accepted', response = ${jsonb(tx, result.raw)},
              estimated_cost_cents = ${provider.estimatedCostCents}, finished_at = now()
            where id = ${call.id}`;
          await markSubmitted(tx, slotId, {
            taskId: result.taskId,
            conversionIds: result.conversionIds,
            etaSec: result.etaSec,
            lease: rendersHere
              ? { holder: this.workerId, ms: config.timing.renderLeaseMs }
              : 'release',
          });
          // Takes a webhook delivered before we knew the ids get their final order now.
          await tx`
            update takes set take_index = case conversion_id
              when ${result.conversionIds[0]} then 1 when ${result.conversionIds[1]} then 2 else take_index end
            where slot_id = ${slotId}`;
          await recordEvent(
            tx,
            slotId,
            slot!.form_id,
            kind === 'submit' ? 'submitted' : 'resubmitted',
            { taskId: result.taskId, attempt },
            Date.now() - started,
          );
          await refreshProgress(tx, slot!.form_id);
        });
        if (rendersHere) this.renders.hold(slotId, result.taskId);
        return;
      }

      await sql`
        update provider_calls set state = ${result.kind}, http_status = ${result.status ?? null},
          response = ${jsonb(sql, { reason: result.reason, raw: result.raw ?? null })}, finished_at = now()
        where id = ${call.id}`;

      if (result.kind === 'fatal') {
        await failSlot(sql, slotId, result.reason);
        return;
      }
      if (result.maybeAccepted) {
        // The provider may hold a task we never heard of: a blind retry could pay twice. Leave the
        // call open and the lease expired; reconciliation waits for a late webhook first.
        await sql`update provider_calls set state = 'sending' where id = ${call.id}`;
        await sql`update slots set lease_expires_at = now() where id = ${slotId} and lease_owner = ${this.workerId}`;
        return;
      }
      const young = Date.now() - slot.created_at.getTime() < config.timing.generationTimeoutMs;
      if (result.status === 429 && young) {
        // The account is at its plan's limit (a smaller plan than configured, or another app on
        // the key): waiting for a place is not a failed attempt. The card says it waits; the
        // generation timeout still ends a slot that never gets one.
        attempt--;
        await markWaiting(sql, slotId);
        const wait = Math.max(
          result.retryAfterMs ?? 0,
          config.timing.providerBusyWaitMs * (0.5 + Math.random() / 2),
        );
        log.info('provider at its task limit; waiting for a place', {
          slotId,
          inMs: Math.round(wait),
        });
        if (!(await this.extendLease(slotId))) return;
        await sleep(wait);
        continue;
      }
      const backoff = Math.min(60_000, 500 * 2 ** (attempt - 1));
      const delay = result.retryAfterMs ?? backoff * (0.5 + Math.random() / 2);
      log.warn('provider busy; retrying', {
        slotId,
        status: result.status,
        inMs: Math.round(delay),
      });
      if (!(await this.extendLease(slotId))) return;
      await sleep(delay);
    }
    if (!this.stopped) {
      await failSlot(
        sql,
        slotId,
        `the music provider stayed busy after ${config.providerMaxAttempts} attempts; try again`,
      );
    }
  }

  /** The provider request of a slot whose text is written; the same for every send of it. */
  private requestFor(slot: SlotRow): SubmitRequest {
    const preset = presetOfSlot(slot.brief, slot.preset, slot.variation_index);
    const sungNames = sungNamesOf(slot.brief);
    return {
      slotId: slot.id,
      ownerId: slot.owner_id,
      seed: `${slot.id}`,
      title: slot.title ?? 'A song for you',
      prompt: slot.music_prompt!,
      musicStyle: slot.music_style ?? '',
      lyrics: slot.lyrics ?? '',
      // Absent rather than empty, so a brief without one sends the very request it always did.
      ...(sungNames.length > 0 ? { sungNames } : {}),
      vocals: slot.brief.vocals,
      mood: slot.brief.mood || preset.mood,
      occasion: slot.brief.occasion,
      preset: preset.variation,
      webhookUrl: this.webhookUrl(slot.id),
    };
  }

  /**
   * Renders again a built-in engine slot the reconciler just took over because its render was
   * lost (its process stopped, or the render failed, so its lease ran out). Rendering is free and
   * deterministic: the slot keeps its attempt and its re-send count, and gets the same takes.
   * Lost again after MAX_ENGINE_RESUMES renders, it fails with a reason, and can be retried.
   */
  async resumeRender(slotId: string): Promise<void> {
    const { sql, provider } = this.deps;
    const slot = await this.loadSlot(slotId);
    if (!slot || slot.status !== 'generating' || slot.lease_owner !== this.workerId) return;
    if (slot.task_id && provider.isRunningHere?.(slot.task_id)) {
      // Its lease ran out while this very process was still rendering it (an event loop stalled
      // on a loaded machine): nothing was lost, so it is held again and not counted as a resume.
      this.renders.hold(slotId, slot.task_id);
      return;
    }
    const [past] = await sql<{ n: number }[]>`
      select count(*)::int as n from generation_events where slot_id = ${slotId} and kind = 'resumed'`;
    if (past!.n >= MAX_ENGINE_RESUMES || !slot.music_prompt) {
      await failSlot(
        sql,
        slotId,
        'the built-in engine could not finish this take; you can try it again',
      );
      return;
    }
    await recordEvent(sql, slotId, slot.form_id, 'resumed', {
      reason: 'its render stopped before the takes were stored',
      resumes: past!.n + 1,
    });
    log.warn('rendering again a take whose render was lost', { slotId });
    const result = await provider.submit(this.requestFor(slot));
    if (result.kind === 'accepted' && provider.isRunningHere?.(result.taskId)) {
      this.renders.hold(slotId, result.taskId);
      if (result.etaSec !== undefined) await this.recordEstimate(slotId, result.etaSec);
    }
  }

  /**
   * A new estimate of when a slot's takes are ready, in seconds from now: the built-in engine
   * moves it as its queue advances. Only a slot still being made takes it. Never rejects: an
   * estimate is advice, and the next one comes with the next render that starts or ends.
   */
  async recordEstimate(slotId: string, readyInSec: number): Promise<void> {
    await this.deps.sql`
      update slots set expected_ready_at = now() + ${Math.round(readyInSec * 1000)} * interval '1 millisecond'
      where id = ${slotId} and status in ('queued', 'generating')`.catch((err: unknown) =>
      log.warn('could not record an estimate', { slotId, error: String(err) }),
    );
  }

  /**
   * Merges takes from the provider's poll and stores their audio and cover. Its links are data
   * from outside: each is checked against the media policy first, and `local:` never passes.
   */
  async acceptTakes(slotId: string, takes: TakeUpdate[], info: TaskInfo = {}): Promise<void> {
    const [safeTakes, safeInfo] = this.intake.checked(slotId, takes, info);
    const source = { callCostCents: this.callCostCents };
    if (!(await recordTakes(this.deps.sql, slotId, safeTakes, safeInfo, source))) return;
    await Promise.all([this.intake.fetchAudio(slotId), this.intake.fetchCover(slotId)]);
  }

  /**
   * The built-in engine's own completion: the one path whose `local:` files, each under the
   * slot's own folder, may become takes. Rejects while takes are left unstored, so the engine
   * hands them over again (a database that refused a write for a moment). Only an in-process
   * provider hands takes over this way; any other must come by webhook or poll, checked as such.
   */
  async acceptEngineTakes(slotId: string, takes: TakeUpdate[], taskId: string): Promise<void> {
    if (!this.deps.provider.inProcess) return;
    const source = { isEngine: true };
    if (!(await recordTakes(this.deps.sql, slotId, takes, { taskId }, source))) return;
    if (!(await this.intake.fetchAudio(slotId))) {
      throw new Error(`takes of slot ${slotId} are recorded but not all stored yet`);
    }
  }

  /**
   * Downloads every take of the slot that has a provider link but no stored file. Never rejects:
   * a failure is logged, and reconciliation fetches what is still missing.
   */
  async fetchAudio(slotId: string): Promise<void> {
    await this.intake.fetchAudio(slotId);
  }

  /** Keeps the WAVs of the slot's stored takes (see Intake.keepWavs). Never rejects. */
  keepWavs(slotId: string): Promise<void> {
    return this.intake.keepWavs(slotId);
  }

  /** Stores the slot's cover from the provider's link, once. */
  fetchCover(slotId: string): Promise<void> {
    return this.intake.fetchCover(slotId);
  }

  audioUrl(takeId: string): string {
    return this.intake.audioUrl(takeId);
  }
}
