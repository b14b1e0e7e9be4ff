import { describe, expect, it } from 'vitest';
import type { SyncOp } from '../../schema/ops.ts';
import { opBodyHash } from '../../server/sync/ledger.ts';
import { allFieldTimes, draftOf } from '../helpers/ops.ts';

// The ledger keeps each applied op's body hash; a replay is told from a reused id by comparing
// hashes. These hashes were made before the hashing was rewritten for speed: a change to any of
// them would answer every replay of an op applied before it `conflict`.

const parse = (json: string) => JSON.parse(json) as SyncOp;

describe('op body hashes', () => {
  it('are the same strings as ever', () => {
    const draft = draftOf(2);
    const put = {
      id: 'x',
      type: 'draft.put',
      args: {
        formId: '5f0c3f0e-8a43-4f5e-9d1c-2a9b7e3c4d10',
        draft,
        fieldTimes: allFieldTimes(draft, 1764800000000),
      },
    };
    expect(opBodyHash(put)).toBe(
      'd947ad71e2060a75da4373839e741abbbf531a0eaf6f4960104e56947dea5fa4',
    );
    expect(opBodyHash({ id: 'x', type: 'form.submit' } as SyncOp)).toBe(
      'c85de0497f3620d6cc1f97a95df6ef19b2a1153670350438abf32a288f6c0e3c',
    );
  });

  it('order keys by code unit, integer-like ones too, and keep odd keys and text exactly', () => {
    const odd = parse(
      '{"id":"x","type":"t","args":{"10":1,"9":[1,null,{"b":"é","a":"\\u2028"}],"Z":true,"z":-0.5,"ä":"x","":{},"__proto__":{"k":1},"1e3":2,"01":3,"4294967295":4,"4294967294":5}}',
    );
    expect(opBodyHash(odd)).toBe(
      '26fcb1f3daa754b7849e4cd67b6d642b928d0072c1c84a02567cef90d508a634',
    );
    const nested = {
      id: 'x',
      type: 't',
      args: [[], [[1, 2], { y: 1, x: [undefined] }], 'a"b\\c'],
    } as SyncOp;
    expect(opBodyHash(nested)).toBe(
      '2a10da62d3b3eac33c9d61034cdeeda1c607004fdd680cfc8f7fc91c59e3013f',
    );
  });

  it('leave out members that are undefined, and differ when a value does', () => {
    const base = { id: 'x', type: 't', args: { a: 1, b: 'two' } };
    expect(opBodyHash({ ...base, args: { ...base.args, c: undefined } })).toBe(opBodyHash(base));
    expect(opBodyHash({ ...base, args: { a: 1, b: 'Two' } })).not.toBe(opBodyHash(base));
    expect(opBodyHash({ ...base, args: { b: 'two', a: 1 } })).toBe(opBodyHash(base));
  });
});
