import type { WebhookOrder } from '../standins/musicgpt.ts';
import { pause } from './device.ts';
import type { FaultKind, Journal } from './journal.ts';
import type { Prng } from './prng.ts';
import type { System } from './system.ts';

type Injected = Exclude<FaultKind, 'client-drop'>;

// Relative weights: a killed API costs a restart of tens of seconds, so it comes rarer.
const WEIGHTS: Record<Injected, number> = {
  'api-kill': 1,
  'zero-cache-kill': 2,
  'pg-terminate': 3,
  'provider-429': 2,
  'provider-500': 2,
  'provider-402': 1,
  'webhook-order': 3,
  'webhook-replay': 2,
};

const ORDERS: WebhookOrder[] = [
  'in-order',
  'reversed',
  'lyrics-first',
  'cover-first',
  'duplicated',
  'none',
];

/**
 * Hurts the system at random moments until `until` has passed and every kind has struck at least
 * once (the first of each in a random order, the rest drawn by weight). One fault at a time: a
 * killed API is back before the next fault is chosen.
 */
export async function injectFaults(
  system: System,
  rng: Prng,
  journal: Journal,
  until: number,
  gapMs: { min: number; max: number },
): Promise<void> {
  const first = rng.shuffle(Object.keys(WEIGHTS) as Injected[]);
  for (;;) {
    await pause(rng.between(gapMs.min, gapMs.max));
    if (Date.now() >= until && first.length === 0) return;
    const kind = first.shift() ?? rng.weighted(WEIGHTS)!;
    try {
      await inject(kind, system, rng, journal);
    } catch (err) {
      journal.note(`${kind} could not be injected: ${String(err)}`);
      // An API that never comes back is the product's failure; any other miss is the run's own.
      if (kind === 'api-kill') throw err;
    }
  }
}

async function inject(kind: Injected, system: System, rng: Prng, journal: Journal) {
  const { musicgpt } = system;
  switch (kind) {
    case 'api-kill': {
      const started = Date.now();
      journal.note('api-kill: SIGKILL');
      const how = await system.killApi();
      journal.fault(kind, `(${how} restarted, healthy after ${Date.now() - started} ms)`);
      return;
    }
    case 'zero-cache-kill':
      if (system.killZeroCache()) journal.fault(kind);
      return;
    case 'pg-terminate':
      journal.fault(kind, `(${await system.terminateBackends(rng)} connections)`);
      return;
    case 'provider-429': {
      const n = rng.between(1, 4);
      musicgpt.script.rateLimitNext += n;
      musicgpt.script.retryAfterSec = rng.pick([0, 0.2, 1]);
      journal.fault(kind, `(next ${n} calls)`);
      return;
    }
    case 'provider-500': {
      const n = rng.between(1, 3);
      musicgpt.script.serverErrorNext += n;
      journal.fault(kind, `(next ${n} calls)`);
      return;
    }
    case 'provider-402': {
      // The account runs dry for a moment: calls in that window fail their slots for good (with
      // a reason), which devices then retry.
      const ms = rng.between(200, 1_500);
      musicgpt.script.outOfFunds = true;
      await pause(ms);
      musicgpt.script.outOfFunds = false;
      journal.fault(kind, `(${ms} ms)`);
      return;
    }
    case 'webhook-order': {
      const order = rng.pick(ORDERS);
      musicgpt.script.webhooks = order;
      musicgpt.script.webhookDelayMs = rng.pick([0, 0, 50, 300]);
      journal.fault(kind, `(${order}, ${musicgpt.script.webhookDelayMs} ms apart)`);
      return;
    }
    case 'webhook-replay': {
      const done = [...musicgpt.tasks.values()].filter((t) => t.state === 'completed');
      if (!done.length) return;
      const again = rng.sample(done, rng.between(1, 3));
      // Late duplicates of webhooks already handled; not awaited, they land whenever they land.
      for (const task of again) void musicgpt.deliverAgain(task.taskId).catch(() => undefined);
      journal.fault(kind, `(${again.length} tasks)`);
      return;
    }
  }
}
