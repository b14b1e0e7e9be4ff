import { expect, it } from 'vitest';
import { runChaos } from './run.ts';

// A short seeded fault run on a stack of its own (docs/chaos.md). CHAOS_SEED replays another seed;
// `npm run chaos` runs a long one.
const seed = Number(process.env.CHAOS_SEED ?? 20_261_202);

it(
  'under killed processes, dropped connections and a misbehaving provider, every op applies once, no slot is stranded, no paid take changes and every device sees what Postgres holds',
  async () => {
    const report = await runChaos({ seed, durationMs: 75_000, devices: 3 });
    const first = report.violations[0];
    expect(
      first && `seed ${seed}: [${first.check}] ${first.message}\n${report.timeline.join('\n')}`,
    ).toBeUndefined();
    // The run did what it is for: faults of every kind struck while devices were busy.
    for (const kind of ['api-kill', 'zero-cache-kill', 'pg-terminate', 'client-drop'] as const)
      expect(report.faults[kind], `${kind} (seed ${seed})`).toBeGreaterThan(0);
    expect(report.ops.applied).toBeGreaterThan(0);
    expect(report.ops.answers['form.submit applied'] ?? 0).toBeGreaterThan(0);
    expect(report.slots.ready).toBeGreaterThan(0);
  },
  30 * 60_000,
);
