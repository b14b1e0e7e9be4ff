import { describe, expect, it } from 'vitest';
import { inAbout, retryAfterSeconds, windowWords } from '../../server/limits/wording.ts';

describe('limit sentences', () => {
  it('say when in words a person reads', () => {
    expect(inAbout(400)).toBe('in 1 second');
    expect(inAbout(40_000)).toBe('in 40 seconds');
    expect(inAbout(60_000)).toBe('in about 1 minute');
    expect(inAbout(11 * 60_000 + 1)).toBe('in about 12 minutes');
    expect(inAbout(5 * 3_600_000)).toBe('in about 5 hours');
    expect(windowWords(3_600_000)).toBe('hour');
    expect(windowWords(600_000)).toBe('10 minutes');
    expect(windowWords(86_400_000)).toBe('day');
    expect(windowWords(3_000)).toBe('3 seconds');
  });

  it('Retry-After is whole seconds, rounded up, never 0', () => {
    expect(retryAfterSeconds(1)).toBe('1');
    expect(retryAfterSeconds(1_001)).toBe('2');
    expect(retryAfterSeconds(720_000)).toBe('720');
  });
});
