import { describe, expect, it } from 'vitest';
import type { OutboxOp } from '../../client/data/db.ts';
import {
  BATCH,
  BatchPlan,
  FIRST_RETRY_MS,
  MAX_TRIES,
  backoffMs,
} from '../../client/data/outbox-plan.ts';

const NOW = 1_000_000;
let n = 0;
// Args stay empty: a plan never reads them.
const op = (formId: string, type: OutboxOp['type'], extra: Partial<OutboxOp> = {}) =>
  ({
    id: `op-${++n}`,
    type,
    args: {},
    formId,
    createdAt: n,
    attempts: 0,
    ...extra,
  }) as OutboxOp;

/** The ids a plan sends, offering ops in the given (creation) order. */
function plan(ops: OutboxOp[]) {
  const p = new BatchPlan(NOW);
  for (const o of ops) if (!p.offer(o)) break;
  return { ids: p.batch.map((o) => o.id), plan: p };
}

describe('which ops go next', () => {
  it('an op waiting for its next try holds back no other form', () => {
    const failing = op('a', 'draft.put', { attempts: 2, retryAt: NOW + 5_000, sentAt: 1 });
    const other = op('b', 'draft.put');
    const { ids, plan: p } = plan([failing, other]);
    expect(ids).toEqual([other.id]);
    expect(p.nextTryAt).toBe(NOW + 5_000);
  });

  it('a set-aside op holds back no other form and is never sent', () => {
    const aside = op('a', 'form.submit', { attempts: MAX_TRIES, setAsideAt: NOW - 1 });
    const other = op('b', 'selection.set');
    expect(plan([aside, other]).ids).toEqual([other.id]);
  });

  it('behind a failing or set-aside op of its form, a newer draft.put passes but a submit waits', () => {
    for (const stuck of [
      { retryAt: NOW + 1_000, attempts: 1 },
      { setAsideAt: NOW - 1, attempts: MAX_TRIES },
    ]) {
      const old = op('a', 'draft.put', { ...stuck, sentAt: 1 });
      const submit = op('a', 'form.submit');
      const newer = op('a', 'draft.put');
      expect(plan([old, submit, newer]).ids).toEqual([newer.id]);
    }
  });

  it('behind an op the server limited, every later op of its form waits (a 429 holds the form)', () => {
    const held = op('a', 'form.submit', { heldUntil: NOW + 3_000 });
    const put = op('a', 'draft.put');
    const other = op('b', 'draft.put');
    const { ids, plan: p } = plan([held, put, other]);
    expect(ids).toEqual([other.id]);
    expect(p.held?.id).toBe(held.id);
  });

  it('an op whose wait is over goes again', () => {
    const due = op('a', 'draft.put', { attempts: 1, retryAt: NOW - 1, sentAt: 1 });
    expect(plan([due]).ids).toEqual([due.id]);
  });

  it('an op that failed inside a batch goes alone, and its form waits for it', () => {
    const first = op('a', 'draft.put');
    const suspect = op('b', 'draft.put', { alone: true, sentAt: 1 });
    const sameForm = op('b', 'form.submit');
    const other = op('c', 'draft.put');
    expect(plan([first, suspect, sameForm, other]).ids).toEqual([first.id, other.id]);
    expect(plan([suspect, first, other]).ids).toEqual([suspect.id]);
  });

  it(`a request carries at most ${BATCH} ops`, () => {
    const ops = Array.from({ length: BATCH + 5 }, (_, i) => op(`f${i}`, 'draft.put'));
    expect(plan(ops).ids).toHaveLength(BATCH);
  });
});

describe('the wait between tries', () => {
  it('doubles from the first wait, with jitter between half and all of it', () => {
    expect(backoffMs(1, 1)).toBe(FIRST_RETRY_MS);
    expect(backoffMs(1, 0)).toBe(FIRST_RETRY_MS / 2);
    expect(backoffMs(4, 1)).toBe(FIRST_RETRY_MS * 8);
    // All waits before the last try: an op is set aside within about half a minute.
    const total = Array.from({ length: MAX_TRIES - 1 }, (_, i) => backoffMs(i + 1, 1));
    expect(total.reduce((a, b) => a + b)).toBe(30_000);
  });
});
