import { describe, expect, it } from 'vitest';
import { answerFailure, failureText } from '../../client/data/failure.ts';

describe('a failed request, in words', () => {
  it('never shows the browser’s own error names', async () => {
    const unreachable = await fetch('http://127.0.0.1:9/').catch((e: unknown) => e);
    const unreadable = (() => {
      try {
        JSON.parse('<html>');
      } catch (e) {
        return e;
      }
    })();
    const said = [unreachable, unreadable, undefined, {}, 'x'].map((e) => failureText(e, true));
    for (const text of said) {
      expect(text).not.toMatch(/TypeError|SyntaxError|fetch|token|undefined|object/i);
      expect(text).toMatch(/try again/);
    }
    expect(said[0]).toBe('the server could not be reached; check your connection and try again');
  });

  it('says offline first, and passes the server’s own words through', () => {
    expect(failureText(new TypeError('Failed to fetch'), false)).toBe(
      'you are offline; try again when you are back online',
    );
    expect(failureText(new Error('this link was already used'), true)).toBe(
      'this link was already used',
    );
  });

  it('turns a bare status into a reason', () => {
    expect(answerFailure(503)).toBe('the server had a problem; try again in a moment');
    expect(answerFailure(429)).toMatch(/wait a minute/);
    expect(answerFailure(401)).toBe('this device is no longer signed in');
    expect(answerFailure(418)).toMatch(/refused it \(418\)/);
  });
});
