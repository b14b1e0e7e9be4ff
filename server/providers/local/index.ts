import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { engineTakeFile, type AudioStorage } from '../../audio/storage.ts';
import { logger } from '../../log.ts';
import type {
  MusicProvider,
  PollResult,
  SubmitRequest,
  SubmitResult,
  TakeResult,
} from '../types.ts';
import type { EnginePool, SongSpec } from './engine/index.ts';

const log = logger('local-engine');

export type LocalCompletion = (
  slotId: string,
  takes: TakeResult[],
  taskId: string,
) => Promise<void>;

/**
 * The built-in engine behind the provider interface: one submit renders two takes, like one
 * MusicGPT call. Files go straight into storage and are announced as `local:<path>` URLs through
 * onComplete (or this engine's own poll, in the same process): the only sources whose `local:`
 * files the merge keeps, and only under the slot's own folder. A webhook never can.
 */
export function localProvider(opts: {
  storage: AudioStorage;
  concurrency: number;
}): MusicProvider & { onComplete: LocalCompletion | undefined; close(): Promise<void> } {
  // Loaded on first use: a server on MusicGPT never pays for the engine and its SoundFont.
  let pool: Promise<EnginePool> | undefined;
  const engine = () =>
    (pool ??= import('./engine/index.ts').then(
      (m) => new m.EnginePool({ concurrency: opts.concurrency }),
    ));
  const rendering = new Map<string, Promise<TakeResult[]>>();
  const requests = new Map<string, SubmitRequest>();

  const filesOf = (req: SubmitRequest) => [1, 2].map((take) => engineTakeFile(req.slotId, take));
  const taskIdOf = (req: SubmitRequest) =>
    `local-${createHash('sha256').update(req.seed).digest('hex').slice(0, 16)}`;

  const render = (taskId: string, req: SubmitRequest): Promise<TakeResult[]> => {
    const existing = rendering.get(taskId);
    if (existing) return existing;
    const job = Promise.all(
      filesOf(req).map(async (file, i) => {
        const take = (i + 1) as 1 | 2;
        const spec: SongSpec = {
          seed: `${req.seed}:${take}`,
          take,
          title: req.title,
          musicPrompt: req.prompt,
          musicStyle: req.musicStyle,
          mood: req.mood,
          occasion: req.occasion,
          preset: req.preset,
          lyrics: req.lyrics,
          vocals: req.vocals,
        };
        const out = await (await engine()).render(spec, req.ownerId);
        await opts.storage.write(file, out.mp3);
        await opts.storage.write(file.replace(/\.mp3$/, '.preview.mp3'), out.previewMp3);
        return {
          conversionId: `${taskId}:${take}`,
          audioUrl: `local:${file}`,
          durationSec: out.durationSec,
          title: req.title,
          lyrics: req.lyrics,
        };
      }),
    );
    rendering.set(taskId, job);
    job
      .then(
        (takes) => provider.onComplete?.(req.slotId, takes, taskId),
        (err) =>
          log.error('render failed', { slotId: req.slotId, error: String(err?.stack ?? err) }),
      )
      .finally(() => rendering.delete(taskId));
    return job;
  };

  const provider = {
    name: 'local' as const,
    estimatedCostCents: 0,
    onComplete: undefined as LocalCompletion | undefined,
    async submit(req: SubmitRequest): Promise<SubmitResult> {
      const taskId = taskIdOf(req);
      requests.set(taskId, req);
      void render(taskId, req);
      return {
        kind: 'accepted',
        taskId,
        conversionIds: [`${taskId}:1`, `${taskId}:2`],
        raw: { taskId, engine: 'local' },
      };
    },
    async poll(taskId: string): Promise<PollResult> {
      const req = requests.get(taskId);
      if (rendering.has(taskId)) return { kind: 'pending', raw: { taskId } };
      if (req && filesOf(req).every((f) => fs.existsSync(opts.storage.resolve(f)))) {
        const takes = filesOf(req).map((f, i) => ({
          conversionId: `${taskId}:${i + 1}`,
          audioUrl: `local:${f}`,
        }));
        return { kind: 'completed', takes, raw: { taskId } };
      }
      // A render lost with its process cannot be resumed here without its request; rendering is
      // free and deterministic, so the slot is failed with a reason and a retry renders it again.
      return {
        kind: 'failed',
        reason: 'the built-in engine restarted during this take',
        raw: { taskId },
      };
    },
    close: async () => {
      if (pool) await (await pool).close();
    },
  };
  return provider;
}
