import { createHash } from 'node:crypto';
import { engineTakeFile, type AudioStorage } from '../audio/storage.ts';
import { logger } from '../log.ts';
import type {
  MusicProvider,
  PollResult,
  SubmitRequest,
  SubmitResult,
  TakeResult,
} from './types.ts';
import type { RenderEstimate, RenderedTake, SongSpec } from '../engine/index.ts';

const log = logger('local-engine');

export type LocalCompletion = (
  slotId: string,
  takes: TakeResult[],
  taskId: string,
) => Promise<void>;

/** Told how many seconds from now a slot's takes are expected, whenever that moves. */
export type LocalEstimate = (slotId: string, readyInSec: number) => void;

/**
 * The account of the slots the built-in engine makes, in `slots.provider` (providerIdentity).
 * Slot rows carry it, so any process tells an engine slot from a MusicGPT one by its data,
 * whichever provider the process itself runs.
 */
export const ENGINE_ACCOUNT = 'local';

/** What renders takes: the engine's worker pool. */
export interface TakeRenderer {
  render(spec: SongSpec, owner?: string, onEstimate?: RenderEstimate): Promise<RenderedTake>;
  close(): Promise<void>;
}

export type LocalProvider = MusicProvider & {
  isRunningHere(taskId: string): boolean;
  /** Renders this process holds: rendering, waiting their turn, or handing their takes over. */
  readonly inProgress: number;
  /**
   * One take rendered on the same workers as the slots' takes, in `owner`'s turn like theirs;
   * nothing is stored or handed over (Home's sample songs keep their own files).
   */
  renderTake(spec: SongSpec, owner: string): Promise<RenderedTake>;
  close(): Promise<void>;
};

// Waits before handing finished takes over again after onComplete failed (the database refused
// the write for a moment): about half a minute in all. After that the render is let go; its
// slot's lease runs out and a reconciler renders it again.
const HANDOVER_RETRY_MS = [500, 1_000, 2_000, 4_000, 8_000, 16_000];

// A slot's estimate is written again only when it moves by this much: the queue moves at every
// render's start and end, and a few seconds either way mean nothing on a card that counts minutes.
const ESTIMATE_STEP_MS = 5_000;

/** When a task's two takes are expected (epoch ms), and the time last reported for the task. */
interface TaskEstimate {
  takes: [number | undefined, number | undefined];
  reported?: number;
}

/**
 * The built-in engine behind the provider interface: one submit renders two takes, like one
 * MusicGPT call. Files go straight into storage and are announced as `local:<path>` URLs through
 * onComplete, in the same process: the only source whose `local:` files the merge keeps, and only
 * under the slot's own folder. A webhook never can. Renders live in this process only; one lost
 * with its process is rendered again (same seed, same takes) once its slot's lease runs out.
 */
export function localProvider(opts: {
  storage: AudioStorage;
  concurrency: number;
  /** Where finished takes go (generation records them); given up front, so none is ever dropped. */
  onComplete: LocalCompletion;
  /** Where a slot's moved estimate goes (the first one comes with the submit's answer). */
  onEstimate?: LocalEstimate;
  /** Another renderer than the engine's worker pool; for tests of this module. */
  renderer?: () => Promise<TakeRenderer>;
}): LocalProvider {
  // Loaded on first use: a server on MusicGPT never pays for the engine and its SoundFont.
  let pool: Promise<TakeRenderer> | undefined;
  const engine = () =>
    (pool ??=
      opts.renderer?.() ??
      import('../engine/index.ts').then(
        (m) => new m.EnginePool({ concurrency: opts.concurrency }),
      ));
  // By task id; an entry leaves once its takes are handed over or its render failed.
  const renders = new Map<string, Promise<void>>();
  const estimates = new Map<string, TaskEstimate>();
  let closed = false;

  const taskIdOf = (req: SubmitRequest) =>
    `local-${createHash('sha256').update(req.seed).digest('hex').slice(0, 16)}`;

  // A task is ready when its later take is: the first time both are known is the submit's own
  // answer; later moves go to onEstimate.
  const estimateOf = (taskId: string, req: SubmitRequest, take: 1 | 2) => (inSec: number) => {
    const estimate = estimates.get(taskId);
    if (!estimate) return;
    estimate.takes[take - 1] = Date.now() + inSec * 1000;
    const [a, b] = estimate.takes;
    if (a === undefined || b === undefined) return;
    const readyAt = Math.max(a, b);
    if (estimate.reported === undefined) estimate.reported = readyAt;
    else if (Math.abs(readyAt - estimate.reported) >= ESTIMATE_STEP_MS) {
      estimate.reported = readyAt;
      opts.onEstimate?.(req.slotId, Math.max(0, (readyAt - Date.now()) / 1000));
    }
  };

  // The renderer is passed in resolved, so both takes enter the queue (and are estimated) before
  // submit answers.
  const renderTakes = (
    taskId: string,
    req: SubmitRequest,
    renderer: TakeRenderer,
  ): Promise<TakeResult[]> =>
    Promise.all(
      ([1, 2] as const).map(async (take) => {
        const file = engineTakeFile(req.slotId, take);
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
          ...(req.sungNames?.length ? { sungNames: req.sungNames } : {}),
          vocals: req.vocals,
        };
        const out = await renderer.render(spec, req.ownerId, estimateOf(taskId, req, take));
        await opts.storage.write(file, out.mp3);
        await opts.storage.write(file.replace(/\.mp3$/, '.preview.mp3'), out.previewMp3);
        return {
          conversionId: `${taskId}:${take}`,
          audioUrl: `local:${file}`,
          durationSec: out.durationSec,
          title: req.title,
          lyrics: req.lyrics,
          lyricsTimestamped: out.plan.lyricTimes,
        };
      }),
    );

  /** Hands the takes to onComplete, asking again while it fails; never rejects. */
  const handOver = async (req: SubmitRequest, takes: TakeResult[], taskId: string) => {
    for (let attempt = 0; ; attempt++) {
      try {
        await opts.onComplete(req.slotId, takes, taskId);
        return;
      } catch (err) {
        const waitMs = HANDOVER_RETRY_MS[attempt];
        const fields = { slotId: req.slotId, error: String((err as Error)?.stack ?? err) };
        if (waitMs === undefined || closed) {
          log.error('could not record a finished render; it is rendered again later', fields);
          return;
        }
        log.warn('could not record a finished render; trying again', { ...fields, inMs: waitMs });
        await new Promise((resolve) => setTimeout(resolve, waitMs).unref());
      }
    }
  };

  const run = async (
    taskId: string,
    req: SubmitRequest,
    renderer?: TakeRenderer,
  ): Promise<void> => {
    try {
      let takes: TakeResult[];
      try {
        takes = await renderTakes(taskId, req, renderer ?? (await engine()));
      } catch (err) {
        // On a stop the pool ends every render on purpose: expected, not an error.
        const fields = { slotId: req.slotId, error: String((err as Error)?.stack ?? err) };
        if (closed) log.info('render stopped with the server; it is rendered again', fields);
        else log.error('render failed; it is rendered again once its lease runs out', fields);
        return;
      }
      await handOver(req, takes, taskId);
    } finally {
      renders.delete(taskId);
      estimates.delete(taskId);
    }
  };

  const provider: LocalProvider = {
    name: 'local' as const,
    estimatedCostCents: 0,
    inProcess: true,
    sings: false,
    async submit(req: SubmitRequest): Promise<SubmitResult> {
      const taskId = taskIdOf(req);
      // An engine that does not load fails its render in run(), logged there, as any render.
      const renderer = await engine().catch(() => undefined);
      if (!renders.has(taskId)) {
        estimates.set(taskId, { takes: [undefined, undefined] });
        renders.set(taskId, run(taskId, req, renderer));
      }
      const readyAt = estimates.get(taskId)?.reported;
      const etaSec =
        readyAt === undefined ? undefined : Math.max(0, Math.round((readyAt - Date.now()) / 1000));
      return {
        kind: 'accepted',
        taskId,
        conversionIds: [`${taskId}:1`, `${taskId}:2`],
        ...(etaSec === undefined ? {} : { etaSec }),
        raw: { taskId, engine: 'local', ...(etaSec === undefined ? {} : { etaSec }) },
      };
    },
    async poll(taskId: string): Promise<PollResult> {
      if (renders.has(taskId)) return { kind: 'pending', raw: { taskId } };
      // Takes reach the slot through onComplete; a render this process does not hold finished,
      // or is rendered again once its slot's lease runs out. Either way this is no failure.
      return {
        kind: 'retryable',
        reason: 'this render is not running in this process',
        raw: { taskId },
      };
    },
    isRunningHere: (taskId: string) => renders.has(taskId),
    renderTake: async (spec, owner) => (await engine()).render(spec, owner),
    get inProgress() {
      return renders.size;
    },
    close: async () => {
      closed = true;
      if (pool) await (await pool).close();
    },
  };
  return provider;
}
