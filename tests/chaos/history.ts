import type { Facts } from './facts.ts';
import type { Journal } from './journal.ts';

/** One broken promise, named by the check that found it. */
export interface Violation {
  check: string;
  message: string;
}

/**
 * Checks a run's history against what the system holds at the end. Every check counts only this
 * run's owners. The order is the order of the promises: each op once, each effect from one op,
 * every slot settled, no paid call beyond the ledger's, no paid take changed.
 */
export function checkHistory(journal: Journal, facts: Facts): Violation[] {
  return [
    ...opsAppliedOnce(journal, facts),
    ...effectsFromOps(facts),
    ...slotsSettled(facts),
    ...providerCallsBounded(facts),
    ...paidTakesUnchanged(journal, facts),
  ];
}

/** Each op id is applied at most once; the ledger holds exactly what devices sent, unchanged. */
export function opsAppliedOnce(journal: Journal, facts: Facts): Violation[] {
  const out: Violation[] = [];
  const v = (message: string) => out.push({ check: 'op applied at most once', message });
  const ledger = new Map(facts.ledger.map((r) => [r.id, r]));
  for (const e of journal.ops.values()) {
    const label = `op ${e.op.id} (${e.op.type} from ${e.device}, sent ${e.sends}×)`;
    const applied = e.answers.filter((a) => a.status === 'applied').length;
    if (applied > 1) v(`${label} was answered 'applied' ${applied} times`);
    const conflict = e.answers.find((a) => a.status === 'rejected' && a.code === 'conflict');
    if (conflict)
      v(`${label}, always with the same body, was answered conflict: ${conflict.error}`);
    const done = e.answers.some((a) => a.status === 'applied' || a.status === 'duplicate');
    if (done && !ledger.has(e.op.id)) v(`${label} was answered applied, but the ledger has no row`);
    // Only a request sent after the op was known applied must be answered from the ledger.
    const known = e.answers.find((a) => a.status === 'applied' || a.status === 'duplicate');
    const refused =
      known && e.answers.find((a) => a.status !== 'duplicate' && a.sentAt > known.receivedAt);
    if (refused)
      v(`${label} was applied, then a re-send was answered ${refused.status}: ${refused.error}`);
  }
  for (const row of facts.ledger) {
    const sent = journal.ops.get(row.id);
    if (!sent || sent.sends === 0) {
      v(`the ledger has op ${row.id} (${row.type}), which no device sent`);
      continue;
    }
    if (row.owner_id !== sent.ownerId) v(`ledger op ${row.id} is recorded for another owner`);
    if (row.type !== sent.op.type)
      v(`ledger op ${row.id} is a ${row.type}, sent as ${sent.op.type}`);
    if (row.body_hash !== sent.bodyHash)
      v(`ledger op ${row.id} (${row.type}) holds another body than was sent`);
  }
  return out;
}

/** Every effect traces to one applied op, and no op left two of the same effect. */
export function effectsFromOps(facts: Facts): Violation[] {
  const out: Violation[] = [];
  const v = (message: string) => out.push({ check: 'one effect per op', message });
  const ledgerIds = new Set(facts.ledger.map((r) => r.id));
  const ofType = (type: string) => facts.ledger.filter((r) => r.type === type);

  // slot.retry and variation.revise: one new attempt per applied op id, and none without one.
  const retried = new Set(ofType('slot.retry').map((r) => String(r.result?.slotId)));
  const revised = new Set(ofType('variation.revise').map((r) => String(r.result?.slotId)));
  const remade = new Set([...retried, ...revised]);
  const later = facts.slots.filter((s) => s.attempt > 1);
  if (later.length !== remade.size)
    v(
      `${ofType('slot.retry').length} slot.retry and ${revised.size} variation.revise op(s) applied, but ${later.length} later attempt(s) exist`,
    );
  for (const s of later)
    if (!remade.has(s.id))
      v(
        `slot ${s.id} (attempt ${s.attempt}) was made by no applied slot.retry or variation.revise`,
      );
  const events = (kind: string) =>
    facts.events.filter((e) => e.kind === kind).reduce((n, e) => n + e.n, 0);
  if (events('retried') !== retried.size)
    v(`${retried.size} applied slot.retry op(s), but ${events('retried')} 'retried' events`);
  if (events('revised') !== revised.size)
    v(`${revised.size} applied variation.revise op(s), but ${events('revised')} 'revised' events`);

  for (const e of facts.events)
    if (e.kind === 'claimed' && e.n > 1) v(`slot ${e.slot_id} was claimed ${e.n} times`);

  // Attempts of one (form, song, variation) are 1..n with exactly one current.
  const chains = new Map<string, Facts['slots']>();
  for (const s of facts.slots) {
    const key = `${s.form_id}/${s.song_index}/${s.variation_index}`;
    chains.set(key, [...(chains.get(key) ?? []), s]);
  }
  for (const [key, chain] of chains) {
    const attempts = chain.map((s) => s.attempt).sort((a, b) => a - b);
    if (attempts.some((a, i) => a !== i + 1)) v(`slot ${key} has attempts ${attempts.join(',')}`);
    const current = chain.filter((s) => s.is_current).length;
    if (current !== 1) v(`slot ${key} has ${current} current attempts`);
  }

  const draftOps = new Set(
    facts.ledger
      .filter((r) => r.type === 'draft.put' || r.type === 'draft.restore')
      .map((r) => r.id),
  );
  for (const h of facts.history) {
    if (h.lost_to_op && !draftOps.has(h.lost_to_op))
      v(`draft history ${h.id} lost to op ${h.lost_to_op}, which was never applied`);
    if (h.op_id && h.op_id === h.lost_to_op)
      v(`draft history ${h.id}: op ${h.op_id} overwrote its own value (applied twice)`);
  }
  for (const s of facts.stamps)
    if (s.op && !draftOps.has(s.op) && !ledgerIds.has(s.op))
      v(`form ${s.form_id} field ${s.field} was written by op ${s.op}, which was never applied`);

  const putForms = new Set(ofType('draft.put').map((r) => String(r.result?.formId)));
  for (const f of facts.forms)
    if (!putForms.has(f.id)) v(`form ${f.id} exists, but no applied draft.put made it`);

  const chosen = new Set(ofType('selection.set').map((r) => selectionKey(r.result ?? {})));
  for (const s of facts.selections) {
    const key = selectionKey({
      formId: s.form_id,
      songIndex: s.song_index,
      slotId: s.slot_id,
      take: s.take_index,
    });
    if (!chosen.has(key)) v(`selection ${key} was set by no applied selection.set`);
  }

  const paidByForm = new Map<string, Facts['orders']>();
  for (const o of facts.orders.filter((o) => o.status === 'paid'))
    paidByForm.set(o.form_id, [...(paidByForm.get(o.form_id) ?? []), o]);
  for (const [formId, paid] of paidByForm) {
    if (paid.length > 1) v(`form ${formId} has ${paid.length} paid orders`);
    const unlocks = facts.unlocks.filter((u) => u.form_id === formId);
    if (unlocks.length !== paid[0]!.song_count || unlocks.some((u) => u.order_id !== paid[0]!.id))
      v(
        `form ${formId}: ${unlocks.length} unlocked take(s) for a paid order of ${paid[0]!.song_count} song(s)`,
      );
  }
  return out;
}

const selectionKey = (s: {
  formId?: unknown;
  songIndex?: unknown;
  slotId?: unknown;
  take?: unknown;
}) => `${s.formId}/${s.songIndex}/${s.slotId}/${s.take}`;

/** No slot is left queued or generating; a failed one says why; a ready one has both takes. */
export function slotsSettled(facts: Facts): Violation[] {
  const out: Violation[] = [];
  const v = (message: string) => out.push({ check: 'every slot ready or failed', message });
  for (const s of facts.slots) {
    const label = `slot ${s.id} (form ${s.form_id}, song ${s.song_index}, variation ${s.variation_index}, attempt ${s.attempt})`;
    if (s.status !== 'ready' && s.status !== 'failed') v(`${label} is stuck in ${s.status}`);
    if (s.status === 'failed' && !s.error?.trim()) v(`${label} failed without a reason`);
    if (s.status === 'ready' && s.stored_takes !== 2)
      v(`${label} is ready with ${s.stored_takes} stored take(s)`);
  }
  return out;
}

/** The provider was asked no more than the ledger accounts for: one task per slot, plus re-sends. */
export function providerCallsBounded(facts: Facts): Violation[] {
  const out: Violation[] = [];
  const v = (message: string) => out.push({ check: 'provider calls within the ledger', message });
  const count = (kind: string) => facts.calls.find((c) => c.kind === kind)?.n ?? 0;
  const resubmits = count('resubmit');
  const { accepted, attempts, tasksBySlot } = facts.provider;
  if (accepted > facts.slots.length + resubmits)
    v(
      `the stand-in made ${accepted} tasks for ${facts.slots.length} slots and ${resubmits} re-sends`,
    );
  if (attempts > count('submit') + resubmits)
    v(`the stand-in received ${attempts} calls; the ledger opened ${count('submit') + resubmits}`);
  const slots = new Map(facts.slots.map((s) => [s.id, s]));
  for (const [slotId, tasks] of tasksBySlot) {
    const slot = slots.get(slotId);
    if (!slot) v(`the stand-in made ${tasks} task(s) for slot ${slotId}, unknown to this run`);
    else if (tasks > 1 + slot.resubmits)
      v(`slot ${slotId} got ${tasks} provider tasks with ${slot.resubmits} re-send(s) recorded`);
  }
  return out;
}

/** What a payment bought is still what the form holds, take for take and byte for byte. */
export function paidTakesUnchanged(journal: Journal, facts: Facts): Violation[] {
  const out: Violation[] = [];
  const v = (message: string) => out.push({ check: 'no paid take changed', message });
  for (const snap of journal.paid.values()) {
    const order = facts.orders.find((o) => o.id === snap.orderId);
    if (order?.status !== 'paid')
      v(`form ${snap.formId}: order ${snap.orderId} is ${order?.status ?? 'gone'}`);
    const bought = ((order?.items ?? []) as { takeId: string }[]).map((i) => i.takeId).sort();
    const atPayment = snap.takes.map((t) => t.takeId).sort();
    if (JSON.stringify(bought) !== JSON.stringify(atPayment))
      v(
        `form ${snap.formId}: order items ${bought} differ from the takes chosen at payment ${atPayment}`,
      );
    const now = facts.paidTakesNow.get(snap.formId) ?? [];
    for (const then of snap.takes) {
      const same = now.find((t) => t.songIndex === then.songIndex);
      if (JSON.stringify(same) !== JSON.stringify(then))
        v(
          `form ${snap.formId} song ${then.songIndex}: paid take ${JSON.stringify(then)} is now ${JSON.stringify(same ?? null)}`,
        );
    }
  }
  return out;
}
