import { expect, it } from 'vitest';
import { EnginePool } from '../../server/engine/index.ts';
import { FairQueue } from '../../server/engine/fair-queue.ts';
import { sampleSpec } from '../../server/engine/samples.ts';

it("serves the owner served least recently, in order within each, so one owner's backlog never blocks another", () => {
  const q = new FairQueue<string>();
  for (let i = 1; i <= 5; i++) q.push('flood', `flood-${i}`);
  q.push('ana', 'ana-1');
  q.push('ana', 'ana-2');
  expect(q.shift()).toBe('flood-1');
  q.push('ben', 'ben-1');
  const order = [];
  while (q.length) order.push(q.shift());
  expect(order).toEqual(['ana-1', 'ben-1', 'flood-2', 'ana-2', 'flood-3', 'flood-4', 'flood-5']);
  expect(q.shift()).toBeUndefined();
  q.push('x', 'x-1');
  q.push('y', 'y-1');
  expect(q.drain().sort()).toEqual(['x-1', 'y-1']);
  expect(q.length).toBe(0);
});

it(
  "the engine renders another owner's song next, not after a whole backlog",
  { timeout: 300_000 },
  async () => {
    const pool = new EnginePool({ concurrency: 1 });
    const spec = (seed: string) => sampleSpec({ seed, durationSec: 60, lyrics: '' });
    const done: string[] = [];
    const render = (name: string, owner: string) =>
      pool.render(spec(`fair-${name}:1`), owner).then(() => void done.push(name));
    try {
      const jobs = [render('flood-1', 'flood'), render('flood-2', 'flood')];
      jobs.push(render('ana-1', 'ana'));
      await Promise.all(jobs);
      expect(done).toEqual(['flood-1', 'ana-1', 'flood-2']);
    } finally {
      await pool.close();
    }
  },
);
