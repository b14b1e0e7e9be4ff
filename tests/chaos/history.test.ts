import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { SyncOp } from '../../schema/ops.ts';
import { opBodyHash } from '../../server/sync/ledger.ts';
import { draftOf, ops } from '../helpers/ops.ts';
import type { Facts } from './facts.ts';
import { checkHistory } from './history.ts';
import { Journal } from './journal.ts';

// The checker of the fault run, on a small made-up history: quiet when every promise holds, and
// loud, naming the promise, for each way one can break.

const owner = randomUUID();
const formId = randomUUID();
const slotId = randomUUID();
const takeId = randomUUID();
const fingerprint = {
  songIndex: 0,
  slotId,
  takeIndex: 1,
  takeId,
  title: 'Ana (take 1)',
  lyrics: 'La la la',
  audioHash: 'a'.repeat(64),
};

function world() {
  const journal = new Journal();
  const put = ops.draftPut(formId, draftOf(1));
  const submit = ops.submit(formId);
  const select = ops.select(formId, 0, slotId, 1);
  const applied: [SyncOp, unknown][] = [
    [put, { formId, lost: 0 }],
    [submit, { formId, slots: [slotId] }],
    [select, { formId, songIndex: 0, slotId, take: 1 }],
  ];
  for (const [op, result] of applied) {
    journal.queued(op, 'phone', owner);
    journal.sent([op]);
    journal.answered([{ id: op.id, status: 'applied', result }], Date.now());
  }
  journal.paid.set(formId, {
    formId,
    orderId: 'order-1',
    device: 'phone',
    takes: [{ ...fingerprint }],
  });
  const facts: Facts = {
    ledger: applied.map(([op, result]) => ({
      id: op.id,
      owner_id: owner,
      type: op.type,
      body_hash: opBodyHash(op),
      result,
    })),
    slots: [
      {
        id: slotId,
        form_id: formId,
        owner_id: owner,
        song_index: 0,
        variation_index: 0,
        attempt: 1,
        is_current: true,
        status: 'ready',
        error: null,
        resubmits: 0,
        stored_takes: 2,
      },
    ],
    events: [{ slot_id: slotId, kind: 'claimed', n: 1 }],
    history: [],
    stamps: [{ form_id: formId, field: 'songCount', op: put.id }],
    forms: [{ id: formId, owner_id: owner, status: 'paid', song_count: 1 }],
    selections: [{ form_id: formId, song_index: 0, slot_id: slotId, take_index: 1 }],
    calls: [{ kind: 'submit', n: 1 }],
    orders: [
      { id: 'order-1', form_id: formId, status: 'paid', song_count: 1, items: [{ takeId }] },
    ],
    unlocks: [{ form_id: formId, take_id: takeId, order_id: 'order-1' }],
    provider: { accepted: 1, attempts: 1, tasksBySlot: new Map([[slotId, 1]]) },
    paidTakesNow: new Map([[formId, [{ ...fingerprint }]]]),
  };
  return { journal, facts, put, submit };
}

const checksOf = (journal: Journal, facts: Facts) =>
  checkHistory(journal, facts).map((v) => v.check);

describe('the fault run checker', () => {
  it('finds nothing in a history where every promise held', () => {
    const { journal, facts } = world();
    expect(checkHistory(journal, facts)).toEqual([]);
  });

  it('an op answered applied twice, or a ledger row no device sent, breaks "applied at most once"', () => {
    const twice = world();
    twice.journal.answered(
      [{ id: twice.submit.id, status: 'applied', result: {} }],
      Date.now() + 1,
    );
    expect(checksOf(twice.journal, twice.facts)).toContain('op applied at most once');

    const phantom = world();
    phantom.facts.ledger.push({
      id: randomUUID(),
      owner_id: owner,
      type: 'form.submit',
      body_hash: 'x',
      result: {},
    });
    expect(checksOf(phantom.journal, phantom.facts)).toEqual(['op applied at most once']);
  });

  it('a second attempt no slot.retry made breaks "one effect per op"', () => {
    const { journal, facts } = world();
    facts.slots[0]!.is_current = false;
    facts.slots.push({ ...facts.slots[0]!, id: randomUUID(), attempt: 2, is_current: true });
    expect(checksOf(journal, facts)).toContain('one effect per op');
  });

  it('a slot left generating, or failed without a reason, breaks "every slot ready or failed"', () => {
    const { journal, facts } = world();
    facts.slots[0]!.status = 'generating';
    expect(checksOf(journal, facts)).toEqual(['every slot ready or failed']);
    facts.slots[0]!.status = 'failed';
    expect(checkHistory(journal, facts)[0]!.message).toMatch(/failed without a reason/);
  });

  it('a provider task beyond slots and recorded re-sends breaks "provider calls within the ledger"', () => {
    const { journal, facts } = world();
    facts.provider = { accepted: 2, attempts: 2, tasksBySlot: new Map([[slotId, 2]]) };
    expect(checksOf(journal, facts)).toEqual([
      'provider calls within the ledger',
      'provider calls within the ledger',
      'provider calls within the ledger',
    ]);
  });

  it('paid lyrics or audio that changed afterwards break "no paid take changed"', () => {
    const { journal, facts } = world();
    facts.paidTakesNow.set(formId, [{ ...fingerprint, audioHash: 'b'.repeat(64) }]);
    expect(checksOf(journal, facts)).toEqual(['no paid take changed']);
  });
});
