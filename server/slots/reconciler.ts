import type { PendingQuery, Row, Sql } from 'postgres';
import type { Config } from '../config.ts';
import { jsonb } from '../db/jsonb.ts';
import { logger } from '../log.ts';
import type { MusicProvider } from '../providers/types.ts';
import { recordEvent } from './events.ts';
import type { Generation } from './generation.ts';
import { lockFormOfSlot } from './claim.ts';
import { failSlot } from './outcome.ts';

const log = logger('reconcile');

// A slot is re-sent at most this many times after its call's outcome was lost.
const MAX_RESUBMITS = 1;
const BATCH = 20;

interface DuePoll {
  id: string;
  form_id: string;
  task_id: string;
  /** The ledger row booked for this byId call. */
  callId: number;
}

/**
 * The loop that makes sure nothing waits forever. A process only takes over, polls or times out
 * slots of its own provider account: a slot claimed for MusicGPT is never re-sent to another
 * engine, and every process of one account shares the same timeouts. Each pass, in any number of server processes at
 * once (rows are taken with FOR UPDATE SKIP LOCKED and leased):
 * 1. a queued slot whose claimer died (lease expired) is taken over: sent if its call never
 *    started; if the call's outcome is unknown, re-sent once, but only after WEBHOOK_GRACE_MS
 *    without a webhook, since a provider that accepted it will say so there;
 * 2. a submitted slot with no completion after RECONCILE_AFTER_MS is polled at the provider;
 * 3. audio that a webhook announced but no download stored yet is fetched again, by a process
 *    of the slot's own account (the one whose MEDIA_TRUSTED_HOSTS fit its links);
 * 4. a slot older than GENERATION_TIMEOUT_MS fails with a reason, and can be retried.
 * The built-in engine renders in the process that sent the slot, which holds the slot's lease
 * while it does and hands the takes over itself: its slots are never polled or fetched by
 * another process (whose engine and storage know nothing of them). One whose lease ran out lost
 * its render with its process, and is simply rendered again: free, so no re-send rule applies.
 */
export class Reconciler {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly sql: Sql,
    private readonly config: Pick<Config, 'timing' | 'musicgpt'>,
    private readonly provider: MusicProvider,
    private readonly generation: Generation,
  ) {}

  start(): void {
    const tick = () => {
      this.running = this.pass()
        .catch((err) => log.error('pass failed', { error: String(err?.stack ?? err) }))
        .finally(() => {
          if (this.timer !== undefined)
            this.timer = setTimeout(tick, this.config.timing.reconcileIntervalMs);
        });
    };
    this.timer = setTimeout(tick, 0);
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One pass of every check; exported for tests and benchmarks that drive time themselves. */
  async pass(): Promise<void> {
    await this.takeOverAbandoned();
    if (this.isEngine) {
      await this.resumeRenders();
    } else {
      await this.pollOverdue();
      await this.fetchMissingAudio();
    }
    await this.failTimedOut();
  }

  /** The built-in engine: its renders live in one process, cost nothing and send no webhooks. */
  private get isEngine(): boolean {
    return this.provider.inProcess;
  }

  private async takeOverAbandoned(): Promise<void> {
    const { slotLeaseMs, webhookGraceMs } = this.config.timing;
    // The built-in engine sends no webhooks: nothing to wait for.
    const graceMs = this.isEngine ? 0 : webhookGraceMs;
    const taken = await this.sql<{ id: string; unknown_calls: number; resubmits: number }[]>`
      with picked as (
        select s.id from slots s
        where s.status = 'queued' and s.is_current and s.lease_expires_at < now()
          and s.provider = ${this.generation.providerId}
          and not exists (
            select 1 from provider_calls c
            where c.slot_id = s.id and c.state = 'sending'
              and c.started_at > now() - ${graceMs} * interval '1 millisecond')
        order by s.lease_expires_at
        for update skip locked
        limit ${BATCH}
      )
      update slots s set lease_owner = ${this.generation.workerId},
        lease_expires_at = now() + ${slotLeaseMs} * interval '1 millisecond'
      from picked where s.id = picked.id
      returning s.id, s.resubmits,
        (select count(*)::int from provider_calls c where c.slot_id = s.id and c.state = 'sending') as unknown_calls`;
    for (const slot of taken) {
      if (slot.unknown_calls > 0 && this.isEngine) {
        // A render lost with its process before its answer was stored: it costs nothing.
        await this.sql`
          update provider_calls set state = 'answered', finished_at = now(),
            response = ${jsonb(this.sql, { outcome: 'unknown: the engine stopped before its answer was stored; rendered again' })}
          where slot_id = ${slot.id} and state = 'sending'`;
      }
      if (slot.unknown_calls === 0 || this.isEngine) {
        log.info('taking over a slot whose claimer stopped before calling', { slotId: slot.id });
        // A re-send that died before it opened its call is still the re-send: booked as one, so
        // the ledger counts every paid call the provider got.
        this.generation.start(
          [slot.id],
          slot.resubmits > 0 && !this.isEngine ? 'resubmit' : 'submit',
        );
        continue;
      }
      if (slot.resubmits >= MAX_RESUBMITS) {
        await this.sql`update slots set lease_owner = null where id = ${slot.id}`;
        continue; // the timeout fails it; never a third paid call
      }
      await bookResend(this.sql, slot.id);
      log.warn('re-sending a slot whose call outcome was lost', { slotId: slot.id });
      this.generation.start([slot.id], 'resubmit');
    }
  }

  /** Built-in engine slots whose renderer stopped holding them (see the class comment). */
  private async resumeRenders(): Promise<void> {
    const taken = await this.sql<{ id: string }[]>`
      with picked as (
        select id from slots
        where status = 'generating' and is_current and provider = ${this.generation.providerId}
          and (lease_expires_at is null or lease_expires_at < now())
        order by lease_expires_at nulls first
        for update skip locked
        limit ${BATCH}
      )
      update slots s set lease_owner = ${this.generation.workerId},
        lease_expires_at = now() + ${this.config.timing.renderLeaseMs} * interval '1 millisecond'
      from picked where s.id = picked.id
      returning s.id`;
    await Promise.all(taken.map((slot) => this.generation.resumeRender(slot.id)));
  }

  private async pollOverdue(): Promise<void> {
    const { reconcileAfterMs } = this.config.timing;
    const due = await this.bookPolls(
      this.sql`submitted_at < now() - ${reconcileAfterMs} * interval '1 millisecond'
        and (last_polled_at is null or last_polled_at < now() - ${reconcileAfterMs} * interval '1 millisecond')`,
    );
    await Promise.all(due.map((slot) => this.applyPoll(slot)));
  }

  /**
   * Asks the provider about one slot now, within the account's byId budget: a webhook named its
   * task but carried too little to apply (MusicGPT's generic sample, a take without its id). A
   * slot that is not generating, or a budget used up, leaves it to the regular passes.
   */
  async pollNow(slotId: string): Promise<void> {
    if (this.isEngine) return;
    // Waits for the slot's row: the webhook often lands while the submit that made the task still
    // holds it, and skipping it then would leave the slot to the regular passes.
    const due = await this.bookPolls(this.sql`id = ${slotId}`, { waitForRows: true });
    await Promise.all(due.map((slot) => this.applyPoll(slot)));
  }

  /**
   * Picks generating slots of this account matching `which` and books a byId call for each. The
   * plan allows so many byId calls a minute per key, whichever process makes them: the calls of
   * the last minute are counted under the account's lock, and these are booked before it is
   * released.
   */
  private async bookPolls(
    which: PendingQuery<Row[]>,
    { waitForRows = false } = {},
  ): Promise<DuePoll[]> {
    const providerId = this.generation.providerId;
    return this.sql.begin(async (tx) => {
      await tx`select pg_advisory_xact_lock(hashtext(${`polls:${providerId}`}))`;
      const [recent] = await tx<{ n: number }[]>`
        select count(*)::int as n from provider_calls
        where provider = ${providerId} and kind = 'poll' and started_at > now() - interval '1 minute'`;
      const room = Math.min(BATCH, this.config.musicgpt.pollsPerMinute - recent!.n);
      if (room <= 0) return [];
      const picked = await tx<{ id: string; form_id: string; task_id: string }[]>`
        with picked as (
          select id from slots
          where status = 'generating' and task_id is not null and provider = ${providerId}
            and ${which}
          order by last_polled_at nulls first, submitted_at
          for update ${waitForRows ? tx`` : tx`skip locked`}
          limit ${room}
        )
        update slots s set last_polled_at = now() from picked where s.id = picked.id
        returning s.id, s.form_id, s.task_id`;
      return Promise.all(
        picked.map(async (slot) => {
          const [call] = await tx<{ id: number }[]>`
            insert into provider_calls (slot_id, provider, kind) values (${slot.id}, ${providerId}, 'poll') returning id`;
          return { ...slot, callId: call!.id };
        }),
      );
    });
  }

  private async applyPoll(slot: DuePoll): Promise<void> {
    const result = await this.provider.poll(slot.task_id);
    await this.sql`
      update provider_calls set state = 'answered', finished_at = now(),
        response = ${jsonb(this.sql, { kind: result.kind, raw: result.raw ?? null })}
      where id = ${slot.callId}`;
    await recordEvent(this.sql, slot.id, slot.form_id, 'polled', { result: result.kind });
    if (result.kind === 'completed') {
      // Outside data, checked like a webhook.
      await this.generation.acceptTakes(slot.id, result.takes, {
        taskId: slot.task_id,
        coverUrl: result.coverUrl,
      });
    } else if (result.kind === 'failed') {
      await failSlot(
        this.sql,
        slot.id,
        `the music provider could not make this one: ${result.reason}`,
      );
    }
  }

  private async fetchMissingAudio(): Promise<void> {
    const slots = await this.sql<{ slot_id: string }[]>`
      select distinct t.slot_id from takes t join slots s on s.id = t.slot_id
      where t.remote_audio_url is not null and t.audio_file is null and s.status in ('generating', 'failed')
        and s.provider = ${this.generation.providerId}
      limit ${BATCH}`;
    await Promise.all(slots.map((s) => this.generation.fetchAudio(s.slot_id)));
    // WAVs not kept yet (a late webhook, a download that failed), while the provider still has
    // them: 7 days at MusicGPT. Each take's retries are paced by Intake.
    const wavs = await this.sql<{ slot_id: string }[]>`
      select distinct t.slot_id from takes t join slots s on s.id = t.slot_id
      where t.remote_wav_url is not null and t.wav_file is null and t.audio_file is not null
        and t.created_at > now() - interval '7 days' and s.provider = ${this.generation.providerId}
      limit ${BATCH}`;
    await Promise.all(wavs.map((s) => this.generation.keepWavs(s.slot_id)));
  }

  private async failTimedOut(): Promise<void> {
    const minutes = Math.max(1, Math.round(this.config.timing.generationTimeoutMs / 60_000));
    const expired = await this.sql<{ id: string }[]>`
      select id from slots
      where status in ('queued', 'generating') and provider = ${this.generation.providerId}
        and created_at < now() - ${this.config.timing.generationTimeoutMs} * interval '1 millisecond'
        -- A render another live process holds is that process's to time out, by its own clock.
        and (lease_owner is null or lease_owner = ${this.generation.workerId} or lease_expires_at < now())
      limit ${BATCH}`;
    for (const slot of expired) {
      await failSlot(
        this.sql,
        slot.id,
        `this take did not finish within ${minutes} minute(s); you can try it again`,
      );
    }
  }
}

/**
 * Closes a slot's lost call and counts the re-send about to go out. The form's lock comes first,
 * as in every writer of a slot: a webhook merging this slot holds the slot's row while it closes
 * the same calls, and taking them in the other order deadlocked.
 */
export async function bookResend(sql: Sql, slotId: string): Promise<void> {
  await sql.begin(async (tx) => {
    await lockFormOfSlot(tx, slotId);
    await tx`
      update provider_calls set state = 'answered', finished_at = now(),
        response = ${jsonb(tx, { outcome: 'unknown: no answer and no webhook; re-sent' })}
      where slot_id = ${slotId} and state = 'sending'`;
    await tx`update slots set resubmits = resubmits + 1 where id = ${slotId}`;
  });
}
