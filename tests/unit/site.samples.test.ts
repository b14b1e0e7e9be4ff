import { describe, expect, it } from 'vitest';
import { SiteInfo } from '../../schema/site.ts';
import { playbackFailure } from '../../client/data/failure.ts';

// The app keeps the last GET /api/config answer in IndexedDB and reads it at every start: an answer
// kept by an older version must still read, or a phone starting offline would lose its prices.

const KEPT_BEFORE_SAMPLES = {
  syncUrl: null,
  provider: 'local',
  payments: 'demo',
  sings: false,
  pricing: { currency: 'usd', bySongCount: [2900, 4900, 6900, 8400, 9900] },
};

describe('the kept site answer', () => {
  it('reads an answer kept before samples existed, as one with no samples', () => {
    const info = SiteInfo.parse(KEPT_BEFORE_SAMPLES);
    expect(info.samples).toEqual([]);
    expect(info.pricing.bySongCount[0]).toBe(2900);
  });

  it('reads samples as the server lists them', () => {
    const sample = {
      id: 'grandmother-birthday',
      title: 'Generations, Rosa',
      occasion: 'For a grandmother’s 80th birthday',
      style: 'Warm & tender · acoustic folk',
      lyricsExcerpt: ['It all goes back to you, Rosa'],
      audioUrl: '/api/samples/grandmother-birthday?v=0123456789abcdef',
      durationSeconds: 30,
    };
    expect(SiteInfo.parse({ ...KEPT_BEFORE_SAMPLES, samples: [sample] }).samples).toEqual([sample]);
  });
});

describe('a sample that will not play, in words', () => {
  it('says offline first, and otherwise what may help', () => {
    expect(playbackFailure(false)).toBe('you are offline; it plays once you are back online');
    expect(playbackFailure(true)).toMatch(/check your connection and try again/);
  });
});
