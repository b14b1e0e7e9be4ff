import fs from 'node:fs';
import { createGuest, guestWith, type Guest } from '../helpers/guest.ts';
import { waitFor } from '../helpers/stack.ts';
import { Device } from './device.ts';
import { fingerprintTakes, gatherFacts, retrying } from './facts.ts';
import { injectFaults } from './faults.ts';
import { checkHistory, type Violation } from './history.ts';
import { Journal } from './journal.ts';
import { Prng } from './prng.ts';
import { startSystem, tail, type System } from './system.ts';
import { compareZeroViews } from './zero-view.ts';

export interface ChaosOptions {
  seed: number;
  /** How long devices act and faults strike; settling comes after. */
  durationMs: number;
  devices: number;
  /** Pause between two faults, drawn from this range. */
  faultGapMs?: { min: number; max: number };
  /** Forms each device may start. */
  formsPerDevice?: number;
  /** Deadline for each settling step (outboxes, slots, Zero views). */
  settleTimeoutMs?: number;
  log?: (line: string) => void;
  /** Keep the stack's data directory even when the run passed. */
  keepData?: boolean;
}

export interface ChaosReport {
  seed: number;
  devices: number;
  owners: number;
  ops: {
    queued: number;
    sent: number;
    sends: number;
    applied: number;
    answers: Record<string, number>;
  };
  requests: Record<string, number>;
  /** Log lines of the devices' Zero clients (failed connects while the API or zero-cache was down). */
  zeroClientErrors: number;
  faults: Journal['faults'];
  payments: Record<string, number>;
  paidForms: number;
  forms: number;
  slots: {
    total: number;
    ready: number;
    failed: number;
    retries: number;
    /** Failed slots by their reason. */
    failedWhy: Record<string, number>;
  };
  provider: { calls: number; tasks: number; resubmits: number };
  settleMs: number;
  violations: Violation[];
  /** Where the stack's data stays for a failed run. */
  dataDir?: string;
  timeline: string[];
}

/**
 * One randomized fault run: a stack of its own, devices stating intent through outboxes, faults
 * at random moments, then a settle with generous deadlines and the checks of docs/chaos.md.
 */
export async function runChaos(opts: ChaosOptions): Promise<ChaosReport> {
  const log = opts.log ?? (() => undefined);
  const rng = new Prng(opts.seed);
  const settleMs = opts.settleTimeoutMs ?? 300_000;
  const journal = new Journal();
  const violations: Violation[] = [];
  const v = (check: string, message: string) => violations.push({ check, message });

  log(`starting a stack of its own (seed ${opts.seed})`);
  const quiet = muteZeroClientLogs();
  const system = await startSystem().catch((err) => {
    quiet.restore();
    throw err;
  });
  const devices: Device[] = [];
  let settled = 0;
  let kept = false;
  try {
    const onPaid = (formId: string, device: string) =>
      snapshotPayment(system, journal, formId, device);
    const guests = await deviceSessions(system.baseUrl, opts.devices);
    for (const [i, guest] of guests.entries()) {
      journal.owners.add(guest.ownerId);
      devices.push(
        new Device({
          name: `device-${i + 1}`,
          guest,
          rng: rng.fork(`device-${i + 1}`),
          journal,
          maxForms: opts.formsPerDevice ?? Math.max(3, Math.ceil(opts.durationMs / 20_000)),
          onPaid,
        }),
      );
    }
    log(
      `${devices.length} devices for ${journal.owners.size} owners; faults for ${opts.durationMs / 1000} s`,
    );

    journal.note('devices start');
    const stopAt = Date.now() + opts.durationMs;
    const gap = opts.faultGapMs ?? { min: 1_500, max: 6_000 };
    let faultsDone = false;
    const faults = injectFaults(system, rng.fork('faults'), journal, stopAt, gap)
      .catch((err) => v('the service comes back', String(err instanceof Error ? err.message : err)))
      .finally(() => (faultsDone = true));
    // Devices keep going while faults strike: at least `durationMs`, and until every kind struck.
    await Promise.all(devices.map((d) => d.run(() => faultsDone)));
    await faults;
    log(`faults stopped: ${JSON.stringify(journal.faults)}; settling`);

    // Settle: everything healthy and normal again, then wait on conditions, never on time.
    const settleStart = Date.now();
    system.musicgpt.script = {
      ...system.musicgpt.script,
      rateLimitNext: 0,
      serverErrorNext: 0,
      outOfFunds: false,
      webhooks: 'in-order',
      webhookDelayMs: 0,
    };
    await settle('the API answers health 200', () => system.waitHealthy(settleMs));
    await settle('every queued op gets an answer', () =>
      Promise.all(devices.map((d) => d.drain(Date.now() + settleMs))),
    );
    await settle('no slot stays queued or generating', () =>
      waitFor(
        async () => (await pendingSlots(system, [...journal.owners])) === 0,
        settleMs,
        () => 'slots still pending',
        500,
      ),
    );
    await settle('every Zero view equals Postgres, or its deadline passed', async () =>
      violations.push(...(await compareZeroViews(devices, system.sql, settleMs))),
    );
    settled = Date.now() - settleStart;
    log(`settled in ${(settled / 1000).toFixed(1)} s; checking the history`);

    const facts = await gatherFacts(system, [...journal.owners], [...journal.paid.keys()]);
    violations.push(...checkHistory(journal, facts));
    violations.push(...journal.anomalies);

    const entries = [...journal.ops.values()];
    const answers: Record<string, number> = {};
    for (const e of entries)
      for (const a of e.answers) {
        const key = `${e.op.type} ${a.status}${a.status === 'rejected' ? `:${a.code}` : ''}`;
        answers[key] = (answers[key] ?? 0) + 1;
      }
    const count = (kind: string) => facts.calls.find((c) => c.kind === kind)?.n ?? 0;
    kept = opts.keepData === true || violations.length > 0;
    return {
      seed: opts.seed,
      devices: devices.length,
      owners: journal.owners.size,
      ops: {
        queued: entries.length,
        sent: journal.sentOps.length,
        sends: entries.reduce((n, e) => n + e.sends, 0),
        applied: facts.ledger.length,
        answers,
      },
      requests: journal.requests,
      zeroClientErrors: quiet.count,
      faults: journal.faults,
      payments: journal.payments,
      paidForms: facts.orders.filter((o) => o.status === 'paid').length,
      forms: facts.forms.length,
      slots: {
        total: facts.slots.length,
        ready: facts.slots.filter((s) => s.status === 'ready').length,
        failed: facts.slots.filter((s) => s.status === 'failed').length,
        retries: facts.slots.filter((s) => s.attempt > 1).length,
        failedWhy: tally(
          facts.slots.flatMap((s) => (s.status === 'failed' ? [s.error ?? ''] : [])),
        ),
      },
      provider: {
        calls: facts.provider.attempts,
        tasks: facts.provider.accepted,
        resubmits: count('resubmit'),
      },
      settleMs: settled,
      violations,
      ...(kept ? { dataDir: system.dataDir } : {}),
      timeline: journal.timeline,
    };
  } catch (err) {
    kept = true;
    const found = violations.map((x) => `[${x.check}] ${x.message}`).join('\n');
    throw new Error(
      `chaos run with seed ${opts.seed} could not finish: ${err instanceof Error ? err.message : err}\n` +
        (found ? `violations so far:\n${found}\n` : '') +
        `data kept in ${system.dataDir}\n--- timeline ---\n${journal.timeline.join('\n')}\n--- stack output ---\n${tail(system.output(), 80)}`,
      { cause: err },
    );
  } finally {
    await Promise.all(devices.map((d) => d.close().catch(() => undefined)));
    await system.stop();
    quiet.restore();
    if (!kept) fs.rmSync(system.dataDir, { recursive: true, force: true });
  }

  async function settle(what: string, step: () => Promise<unknown>) {
    const started = Date.now();
    try {
      await step();
      journal.note(`settled: ${what} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    } catch (err) {
      throw new Error(`while waiting until ${what}: ${err instanceof Error ? err.message : err}`);
    }
  }
}

/** One session per device; every odd device continues its neighbour's owner, by resume code. */
async function deviceSessions(baseUrl: string, count: number): Promise<Guest[]> {
  const guests: Guest[] = [];
  for (let i = 0; i < count; i++) {
    const first = guests[i - 1];
    if (i % 2 === 1 && first) {
      const made = await first.fetch('/api/resume-codes', { method: 'POST' });
      if (made.status !== 201) throw new Error(`POST /api/resume-codes answered ${made.status}`);
      const { code } = (await made.json()) as { code: string };
      const res = await fetch(`${baseUrl}/api/resume-codes/redeem`, {
        method: 'POST',
        body: JSON.stringify({ code }),
      });
      if (res.status !== 200) throw new Error(`redeeming a resume code answered ${res.status}`);
      guests.push(guestWith(baseUrl, (await res.json()) as { token: string; ownerId: string }));
    } else {
      guests.push(await createGuest(baseUrl));
    }
  }
  return guests;
}

async function pendingSlots(system: System, owners: string[]): Promise<number> {
  const [row] = await retrying(
    () => system.sql<{ n: number }[]>`
      select count(*)::int as n from slots
      where owner_id = any(${owners}::uuid[]) and status in ('queued', 'generating')`,
  );
  return row!.n;
}

/** Fingerprints a form's chosen takes the first time its payment is seen to go through. */
async function snapshotPayment(system: System, journal: Journal, formId: string, device: string) {
  if (journal.paid.has(formId)) return;
  const [order] = await retrying(
    () =>
      system.sql<
        { id: string }[]
      >`select id from orders where form_id = ${formId} and status = 'paid'`,
  );
  if (!order) {
    journal.anomaly(
      'a payment that went through is paid',
      `${device}: the checkout said paid for form ${formId}, but no paid order exists`,
    );
    return;
  }
  const takes = await fingerprintTakes(system.sql, system.dataDir, formId);
  if (!journal.paid.has(formId))
    journal.paid.set(formId, { formId, orderId: order.id, device, takes });
  journal.note(`${device} paid for form ${formId}`);
}

/**
 * Zero clients log every failed reconnect to the console; while an API is down that is a line
 * every few hundred milliseconds per device. They are counted for the report instead.
 */
function muteZeroClientLogs() {
  const methods = ['log', 'info', 'warn', 'error', 'debug'] as const;
  const saved = methods.map((m) => console[m]);
  const state = { count: 0 };
  for (const [i, m] of methods.entries()) {
    console[m] = (...args: unknown[]) => {
      if (typeof args[0] === 'string' && args[0].startsWith('clientID=')) state.count++;
      else saved[i]!.apply(console, args);
    };
  }
  return {
    get count() {
      return state.count;
    },
    restore: () => methods.forEach((m, i) => (console[m] = saved[i]!)),
  };
}

function tally(items: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of items) out[item] = (out[item] ?? 0) + 1;
  return out;
}
