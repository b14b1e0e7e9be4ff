import { parseArgs } from 'node:util';
import { randomSeed } from './prng.ts';
import { runChaos, type ChaosReport } from './run.ts';

// `npm run chaos -- --minutes 10 [--seed N] [--devices N] [--keep]`: a long randomized fault run.
// The seed comes first in the output, so a failure can be replayed with the same choices.
const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    seed: { type: 'string' },
    devices: { type: 'string', default: '5' },
    keep: { type: 'boolean', default: false },
  },
});

const minutes = Number(values.minutes);
const devices = Number(values.devices);
const seed = values.seed === undefined ? randomSeed() : Number(values.seed);
for (const [name, n] of [
  ['--minutes', minutes],
  ['--devices', devices],
  ['--seed', seed],
] as const) {
  if (!Number.isFinite(n) || n < 0 || (name !== '--minutes' && !Number.isInteger(n))) {
    process.stderr.write(
      `${name} must be a non-negative ${name === '--minutes' ? 'number' : 'integer'}\n`,
    );
    process.exit(2);
  }
}

const replay = `npm run chaos -- --seed ${seed} --minutes ${minutes} --devices ${devices}`;
process.stdout.write(`chaos seed ${seed} (replay: ${replay})\n`);
const started = Date.now();
const log = (line: string) =>
  process.stdout.write(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)}s] ${line}\n`);

function summary(r: ChaosReport): string {
  return [
    `devices ${r.devices} (owners ${r.owners})`,
    `ops queued ${r.ops.queued}, sent ${r.ops.sent} in ${r.ops.sends} sends, applied ${r.ops.applied}; answers ${JSON.stringify(r.ops.answers)}`,
    `sync requests ${JSON.stringify(r.requests)}; Zero client reconnect errors ${r.zeroClientErrors}`,
    `faults ${JSON.stringify(r.faults)}`,
    `forms ${r.forms}, slots ${r.slots.total} (ready ${r.slots.ready}, failed ${r.slots.failed}, retry attempts ${r.slots.retries})`,
    `failed slots by reason ${JSON.stringify(r.slots.failedWhy)}`,
    `provider calls ${r.provider.calls}, tasks ${r.provider.tasks}, re-sends ${r.provider.resubmits}`,
    `payments ${JSON.stringify(r.payments)}, paid forms ${r.paidForms}`,
    `settled in ${(r.settleMs / 1000).toFixed(1)} s`,
  ].join('\n');
}

try {
  const report = await runChaos({
    seed,
    durationMs: minutes * 60_000,
    devices,
    log,
    keepData: values.keep,
  });
  process.stdout.write(`${summary(report)}\n`);
  if (report.violations.length) {
    const [first] = report.violations;
    process.stdout.write(
      `\nFAILED, seed ${seed}: ${report.violations.length} violation(s). First: [${first!.check}] ${first!.message}\n` +
        report.violations
          .slice(1, 20)
          .map((x) => `  [${x.check}] ${x.message}`)
          .join('\n') +
        `\ntimeline:\n${report.timeline.join('\n')}\ndata kept in ${report.dataDir}\nreplay: ${replay}\n`,
    );
    process.exit(1);
  }
  process.stdout.write(`timeline:\n${report.timeline.join('\n')}\n\npassed, seed ${seed}\n`);
  process.exit(0);
} catch (err) {
  process.stdout.write(
    `\nFAILED, seed ${seed}: ${err instanceof Error ? err.message : err}\nreplay: ${replay}\n`,
  );
  process.exit(1);
}
