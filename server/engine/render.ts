// One song request to finished MP3s, on the calling thread. EnginePool runs this in workers.

import { compose } from './composer.ts';
import { renderMix } from './mixer.ts';
import { encodeMp3, MP3_KBPS } from '../media/mp3/encode.ts';
import { encodePreview } from './preview.ts';
import { TAKE_LIMITS, type LengthLimits } from './style.ts';
import { withWorkspace } from './workspace.ts';
import { SAMPLE_RATE } from './synth.ts';
import type { RenderedTake, SongPlan, SongSpec } from './types.ts';

export interface RenderStats {
  distinctNotes: number;
  notes: number;
  limiterDb: number;
  /** Where in the take the preview starts (s). */
  previewStartSec: number;
  /** CPU seconds per stage on this thread's process. */
  cpu: { compose: number; mix: number; encode: number };
}

export function planSong(spec: SongSpec): SongPlan {
  return compose(spec).plan;
}

function cpuNow(): number {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1e6;
}

/** renderSong with its statistics; `limits` may shorten takes where length does not matter. */
export async function renderTake(
  spec: SongSpec,
  limits: LengthLimits = TAKE_LIMITS,
): Promise<RenderedTake & { stats: RenderStats }> {
  return withWorkspace(async (work) => {
    const c0 = cpuNow();
    const comp = compose(spec, limits);
    const c1 = cpuNow();
    const mix = await renderMix(comp, work);
    const c2 = cpuNow();
    const title = spec.title?.trim() || 'Untitled';
    const mp3 = await encodeMp3(mix.channels, { sampleRate: SAMPLE_RATE, kbps: MP3_KBPS, title });
    const preview = await encodePreview(mix.channels, {
      sampleRate: SAMPLE_RATE,
      startSec: comp.previewStartSec,
      title: `${title} (preview)`,
    });
    const c3 = cpuNow();
    return {
      mp3,
      previewMp3: preview.mp3,
      durationSec: mix.channels[0].length / SAMPLE_RATE,
      previewDurationSec: preview.durationSec,
      plan: comp.plan,
      loudnessLufs: round(mix.loudnessLufs, 2),
      peakDbfs: round(mix.peakDbfs, 2),
      stats: {
        distinctNotes: mix.distinctNotes,
        notes: mix.notes,
        limiterDb: round(mix.limiterDb, 2),
        previewStartSec: preview.startSec,
        cpu: { compose: c1 - c0, mix: c2 - c1, encode: c3 - c2 },
      },
    };
  });
}

export async function renderSong(spec: SongSpec): Promise<RenderedTake> {
  const { stats: _stats, ...take } = await renderTake(spec);
  return take;
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
