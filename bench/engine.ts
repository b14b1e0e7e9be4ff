import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { encodeMp3, loadMp3Encoder, MP3_KBPS } from '../server/media/mp3/encode.ts';
import { EnginePool } from '../server/engine/index.ts';
import { renderTake } from '../server/engine/render.ts';
import { PRESETS, sampleSpec } from '../server/engine/samples.ts';
import { loadSoundFont } from '../server/engine/soundfont.ts';
import { SAMPLE_RATE } from '../server/engine/synth.ts';
import type { SongSpec } from '../server/engine/types.ts';

// Built-in engine speed: seconds of finished audio (composed, synthesised, mastered, encoded
// to stereo MP3 with its preview) per CPU second, over a spread of styles and presets. Every user
// without a music API key waits on this, and the worker pool's size follows from it.

/** Takes are measured at the length the app asks for most: about two and a half minutes. */
const TAKE_SEC = 150;
const LIMITS = { minSec: 60, maxSec: 190 };

const STYLES: Partial<SongSpec>[] = [
  ...PRESETS.map((preset) => ({ preset, musicStyle: 'pop' })),
  { preset: 'upbeat-playful', musicStyle: 'rock', mood: 'joyful', occasion: 'birthday' },
  { preset: 'poetic-romantic', musicStyle: 'lullaby', mood: 'tender', occasion: 'baby shower' },
  { preset: 'heartfelt-emotional', musicStyle: 'jazz', mood: 'nostalgic', occasion: 'retirement' },
  {
    preset: 'upbeat-playful',
    musicStyle: 'edm',
    mood: 'energetic',
    occasion: 'graduation',
    vocals: 'male',
  },
  {
    preset: 'heartfelt-emotional',
    musicStyle: 'acoustic folk',
    mood: 'heartfelt',
    occasion: 'memorial',
  },
];

export type EngineBench = {
  bench: 'engine';
  renders: number;
  audioSec: number;
  cpuSec: number;
  /** Seconds of audio per CPU second, after the first (cold) render. */
  realtimeFactor: number;
  /** Share of CPU in synthesis and mastering versus MP3 encoding (take and preview). */
  mixCpuSec: number;
  encodeCpuSec: number;
  /** Seconds of audio per CPU second for synthesis and mastering alone, and for encoding alone. */
  mixRealtimeFactor: number;
  encodeRealtimeFactor: number;
  /** The baseline: seconds of audio per CPU second of the MP3 encoder alone, same settings. */
  encoderAloneRealtimeFactor: number;
  /** The whole engine's speed against the encoder alone's. */
  engineVsEncoderAlone: number;
  coldLoadSec: number;
  coldFirstRenderSec: number;
  /** Seconds of audio per wall second with a pool as wide as the machine. */
  poolRealtimeFactor: number;
  poolConcurrency: number;
  /** Peak resident memory rendering on this thread, then with the pool's workers added. */
  peakRssMb: number;
  peakRssWithPoolMb: number;
  meanLufs: number;
  maxPeakDbfs: number;
  minDurationSec: number;
  maxDurationSec: number;
  /** One-minute load average when the run ended: CPU figures inflate on a busy machine. */
  loadAverage: number;
};

const cpuNow = () => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1e6;
};
const round = (n: number, d = 2) => Number(n.toFixed(d));

/**
 * The engine's baseline, measured in the same process: LAME alone encoding a take's length of
 * stereo at the engine's rate and bitrate, nothing composed or synthesised. The signal is chords
 * over quiet noise, so the encoder has as much to code as in a mix; silence would flatter it.
 * (ffmpeg would be the other baseline, but it is not installed where Refrain runs.)
 */
async function encoderAloneRealtimeFactor(rounds = 3): Promise<number> {
  const n = TAKE_SEC * SAMPLE_RATE;
  let seed = 1;
  const noise = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32 - 0.5) * 0.02;
  const channels = [0, 1].map((ch) => {
    const x = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const t = i / SAMPLE_RATE;
      const chord = Math.floor(t / 2) % 4;
      let v = noise();
      for (const f of [220, 277.2, 329.6])
        v += 0.15 * Math.sin(2 * Math.PI * f * (1 + chord / 8) * t + ch);
      x[i] = v;
    }
    return x;
  });
  await loadMp3Encoder();
  const c0 = cpuNow();
  for (let r = 0; r < rounds; r++)
    await encodeMp3(channels, { sampleRate: SAMPLE_RATE, kbps: MP3_KBPS });
  return (TAKE_SEC * rounds) / (cpuNow() - c0);
}

export async function run(count = STYLES.length): Promise<EngineBench> {
  const specs = Array.from({ length: count }, (_, i) =>
    sampleSpec({ seed: `bench-${i}:1`, durationSec: TAKE_SEC, ...STYLES[i % STYLES.length] }),
  );

  // Cold start: parse the SoundFont, then a first render that also decodes the samples it uses.
  let t = performance.now();
  await loadSoundFont();
  const coldLoadSec = (performance.now() - t) / 1000;
  t = performance.now();
  await renderTake(sampleSpec({ seed: 'bench-warmup:1', durationSec: TAKE_SEC }), LIMITS);
  const coldFirstRenderSec = (performance.now() - t) / 1000;

  let audioSec = 0;
  let mixCpu = 0;
  let encodeCpu = 0;
  const lufs: number[] = [];
  const peaks: number[] = [];
  const durations: number[] = [];
  const c0 = cpuNow();
  for (const spec of specs) {
    const take = await renderTake(spec, LIMITS);
    audioSec += take.durationSec;
    mixCpu += take.stats.cpu.mix;
    encodeCpu += take.stats.cpu.encode;
    lufs.push(take.loudnessLufs);
    peaks.push(take.peakDbfs);
    durations.push(take.durationSec);
  }
  const cpuSec = cpuNow() - c0;
  const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);

  // Throughput with the app's pool, one worker per core.
  const poolConcurrency = Math.max(1, os.cpus().length);
  const pool = new EnginePool({ concurrency: poolConcurrency });
  let poolAudio = 0;
  t = performance.now();
  try {
    const jobs = specs
      .slice(0, poolConcurrency * 2)
      .map((s) => pool.render({ ...s, seed: `${s.seed}:pool` }));
    for (const take of await Promise.all(jobs)) poolAudio += take.durationSec;
  } finally {
    await pool.close();
  }
  const poolWall = (performance.now() - t) / 1000;
  const encoderAlone = await encoderAloneRealtimeFactor();
  const realtimeFactor = audioSec / cpuSec;

  return {
    bench: 'engine',
    renders: specs.length,
    audioSec: round(audioSec, 1),
    cpuSec: round(cpuSec),
    realtimeFactor: round(realtimeFactor, 1),
    mixCpuSec: round(mixCpu),
    encodeCpuSec: round(encodeCpu),
    mixRealtimeFactor: round(audioSec / mixCpu, 1),
    encodeRealtimeFactor: round(audioSec / encodeCpu, 1),
    encoderAloneRealtimeFactor: round(encoderAlone, 1),
    engineVsEncoderAlone: round(realtimeFactor / encoderAlone, 2),
    coldLoadSec: round(coldLoadSec),
    coldFirstRenderSec: round(coldFirstRenderSec),
    poolRealtimeFactor: round(poolAudio / poolWall, 1),
    poolConcurrency,
    peakRssMb,
    peakRssWithPoolMb: Math.round(process.resourceUsage().maxRSS / 1024),
    meanLufs: round(lufs.reduce((a, b) => a + b, 0) / lufs.length),
    maxPeakDbfs: round(Math.max(...peaks)),
    minDurationSec: round(Math.min(...durations), 1),
    maxDurationSec: round(Math.max(...durations), 1),
    loadAverage: round(os.loadavg()[0] ?? 0, 1),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const r = await run();
  console.log(`built-in engine: ${r.renders} full takes, ${r.audioSec} s of audio`);
  console.log(
    `  ${r.realtimeFactor}x real time per CPU second (${r.cpuSec} s CPU: mix ${r.mixCpuSec} s = ${r.mixRealtimeFactor}x, MP3 ${r.encodeCpuSec} s = ${r.encodeRealtimeFactor}x)`,
  );
  console.log(
    `  encoder alone (baseline): ${r.encoderAloneRealtimeFactor}x real time; engine / encoder ${r.engineVsEncoderAlone}`,
  );
  console.log(`  pool of ${r.poolConcurrency}: ${r.poolRealtimeFactor}x real time (wall clock)`);
  console.log(`  cold: SoundFont ${r.coldLoadSec} s, first render ${r.coldFirstRenderSec} s`);
  console.log(`  peak RSS ${r.peakRssMb} MB (${r.peakRssWithPoolMb} MB with the pool's workers)`);
  console.log(
    `  loudness ${r.meanLufs} LUFS, peak ${r.maxPeakDbfs} dBFS, takes ${r.minDurationSec}-${r.maxDurationSec} s`,
  );
  console.log(`  load average ${r.loadAverage} at the end of the run`);
  console.log(JSON.stringify(r));
}
