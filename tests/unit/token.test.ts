import type { Sql } from 'postgres';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { tokenSigner } from '../../server/auth/token.ts';

// A token that passed once is not checked again until it expires (auth/token.ts); these are the
// ways a remembered token must still be refused.

const SECRET = new TextEncoder().encode('a-fixed-installation-secret-of-40-chars!');
const OWNER = '0b6f2a4e-3c1d-4e5f-8a9b-0c1d2e3f4a5b';

/** The owners table as the signer reads it: one owner and their token version. */
function owners(version: { now: number }) {
  return (() => Promise.resolve([{ token_version: version.now }])) as unknown as Sql;
}

afterEach(() => vi.useRealTimers());

describe('session tokens checked before', () => {
  it('are refused once they expire', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const tokens = tokenSigner(SECRET, owners({ now: 1 }));
    const token = await tokens.sign(OWNER);
    expect(await tokens.verify(token)).toBe(OWNER);
    vi.setSystemTime(Date.now() + 366 * 86_400_000);
    expect(await tokens.verify(token)).toBeNull();
  });

  it('are refused after "sign out everywhere"', async () => {
    const version = { now: 1 };
    const tokens = tokenSigner(SECRET, owners(version));
    const token = await tokens.sign(OWNER);
    expect(await tokens.verify(token)).toBe(OWNER);
    version.now = 2;
    expect(await tokens.verify(token)).toBeNull();
  });

  it('never make a forged one pass', async () => {
    const tokens = tokenSigner(SECRET, owners({ now: 1 }));
    const token = await tokens.sign(OWNER);
    expect(await tokens.verify(token)).toBe(OWNER);
    const [head, body, signature] = token.split('.');
    const forged = `${head}.${body}.${signature!.slice(0, -2)}${signature!.endsWith('AA') ? 'BB' : 'AA'}`;
    expect(await tokens.verify(forged)).toBeNull();
  });
});
