import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { EnginePool, renderSong, type RenderedTake } from '../../server/engine/index.ts';
import { parseMp3 } from '../../server/media/mp3/frames.ts';
import { sampleSpec } from '../../server/engine/samples.ts';

// The shortest full takes keep these worker renders quick.
const A = sampleSpec({ seed: 'pool-a:1', durationSec: 60, lyrics: '' });
const B = sampleSpec({ seed: 'pool-b:1', durationSec: 60, lyrics: '', preset: 'upbeat-playful' });

/**
 * Event-loop utilisation of this thread while `work` runs: the share of time it was busy
 * rather than waiting for events. Rendering on this thread would hold it near 1.
 */
async function loopUtilisation<T>(work: Promise<T>): Promise<{ result: T; busy: number }> {
  const start = performance.eventLoopUtilization();
  const result = await work;
  return { result, busy: performance.eventLoopUtilization(start).utilization };
}

// Worker renders compete with the other test files for two cores.
const SLOW = 150_000;

describe('engine pool', () => {
  it(
    'renders in parallel worker threads, identical to an in-thread render',
    { timeout: SLOW },
    async () => {
      const pool = new EnginePool({ concurrency: 2 });
      try {
        const { result, busy } = await loopUtilisation(
          Promise.all([pool.render(A), pool.render(B)]),
        );
        const [a1, b] = result as [RenderedTake, RenderedTake];
        expect(pool.stats.workers).toBe(2);
        expect(pool.stats.peakBusy).toBe(2);
        expect(pool.stats.busy).toBe(0);
        expect(pool.stats.queued).toBe(0);
        // A render takes seconds of CPU; in workers the API thread stays free for requests.
        expect(busy).toBeLessThan(0.25);

        expect(parseMp3(a1.mp3).durationSec).toBeCloseTo(a1.durationSec, 0);
        expect(a1.durationSec).toBeGreaterThanOrEqual(60);
        expect(b.plan.bpm).not.toBe(a1.plan.bpm);

        const local = await renderSong(A);
        expect(local.mp3.equals(a1.mp3)).toBe(true);
        expect(local.previewMp3.equals(a1.previewMp3)).toBe(true);
        expect(local.loudnessLufs).toBe(a1.loudnessLufs);
      } finally {
        await pool.close();
      }
    },
  );

  it('queues beyond its concurrency and rejects work once closed', { timeout: SLOW }, async () => {
    const pool = new EnginePool({ concurrency: 1 });
    const first = pool.render(B);
    const second = expect(pool.render(A)).rejects.toThrow(/closed/);
    expect(pool.stats).toMatchObject({ workers: 1, busy: 1, queued: 1 });
    const take = await first;
    expect(take.mp3.length).toBeGreaterThan(100_000);
    // The second song starts only once the first is done, on the same single worker.
    expect(pool.stats).toMatchObject({ workers: 1, busy: 1, queued: 0, peakBusy: 1 });
    await pool.close();
    await second;
    await expect(pool.render(A)).rejects.toThrow(/closed/);
  });
});
