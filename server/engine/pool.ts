// A bounded pool of render workers. Rendering is CPU-bound for seconds at a time; on the API
// thread it would stall every request, so songs render on worker threads, at most
// `concurrency` at once, the rest waiting their owner's turn (FairQueue: in order within one
// owner, the owner served least recently first), so one person's backlog never makes another
// wait for all of it. Idle workers stay alive (the SoundFont stays loaded) but do not keep the
// process from exiting. Each render's wall time is measured, so the pool can say when a render
// waiting its turn will be done (estimate.ts).

import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { serverBuildDir } from '../build/compiled.ts';
import { DEFAULT_TAKE_SEC, RenderSpeed, finishTimes, renderSec } from './estimate.ts';
import { FairQueue } from './fair-queue.ts';
import type { RenderReply, RenderRequest } from './worker.ts';
import type { RenderedTake, SongSpec } from './types.ts';

export interface EnginePoolOptions {
  /** Songs rendered at once; each takes one worker thread and about 250 MB. */
  concurrency: number;
}

/** Told, in seconds from now, when a render is expected to be done; again as the queue moves. */
export type RenderEstimate = (doneInSec: number) => void;

interface Job {
  id: number;
  spec: SongSpec;
  /** Seconds of audio it is expected to make. */
  audioSec: number;
  /** When a worker took it (ms, monotonic). */
  startedAt?: number;
  onEstimate?: RenderEstimate;
  resolve: (take: RenderedTake) => void;
  reject: (err: Error) => void;
}

interface Slot {
  worker: Worker;
  job: Job | null;
}

// An estimate is advice: a listener that throws must not stop the pool handing out work.
function tell(job: Job, doneInSec: number): void {
  try {
    job.onEstimate?.(doneInSec);
  } catch {
    job.onEstimate = undefined;
  }
}

// The compiled worker beside the compiled server, or the entry that loads its TypeScript.
const ENTRY = serverBuildDir
  ? pathToFileURL(path.join(serverBuildDir, 'engine-worker.js'))
  : new URL('./worker-entry.mjs', import.meta.url);

export class EnginePool {
  readonly concurrency: number;
  private readonly slots: Slot[] = [];
  private readonly queue = new FairQueue<Job>();
  private nextId = 1;
  private closed = false;
  private busyPeak = 0;
  private readonly speed = new RenderSpeed();

  constructor(opts: EnginePoolOptions) {
    const n = Math.floor(Number(opts.concurrency));
    this.concurrency = Number.isFinite(n) && n >= 1 ? Math.min(n, 32) : 1;
  }

  /**
   * Renders one take; `owner` is whose turn it waits for (renders without one share a turn).
   * `onEstimate` hears when it is expected to be done: at once, before this returns, and again
   * whenever a render starts or ends.
   */
  render(spec: SongSpec, owner = '', onEstimate?: RenderEstimate): Promise<RenderedTake> {
    if (this.closed) return Promise.reject(new Error('EnginePool is closed'));
    return new Promise<RenderedTake>((resolve, reject) => {
      const audioSec = spec.durationSec ?? DEFAULT_TAKE_SEC;
      this.queue.push(owner, { id: this.nextId++, spec, audioSec, onEstimate, resolve, reject });
      this.pump();
    });
  }

  /** Seconds of audio one render makes per wall second on this machine, as measured so far. */
  get renderSpeed(): number {
    return this.speed.current;
  }

  /** Workers started, renders in flight, renders waiting, and the most ever in flight at once. */
  get stats(): { workers: number; busy: number; queued: number; peakBusy: number } {
    return {
      workers: this.slots.length,
      busy: this.slots.filter((s) => s.job).length,
      queued: this.queue.length,
      peakBusy: this.busyPeak,
    };
  }

  /** Stops all workers; renders still waiting or in flight are rejected. */
  async close(): Promise<void> {
    this.closed = true;
    const err = new Error('EnginePool is closed');
    for (const job of this.queue.drain()) job.reject(err);
    const slots = this.slots.splice(0);
    for (const s of slots) {
      s.job?.reject(err);
      s.job = null;
    }
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }

  private pump(): void {
    while (this.queue.length > 0 && !this.closed) {
      let slot = this.slots.find((s) => !s.job);
      if (!slot) {
        if (this.slots.length >= this.concurrency) break;
        slot = this.spawn();
      }
      const job = this.queue.shift() as Job;
      job.startedAt = performance.now();
      slot.job = job;
      slot.worker.ref();
      const request: RenderRequest = { id: job.id, spec: job.spec };
      slot.worker.postMessage(request);
      this.busyPeak = Math.max(this.busyPeak, this.slots.filter((s) => s.job).length);
    }
    this.estimate();
  }

  /** Tells every render in flight or waiting when it is now expected to be done. */
  private estimate(): void {
    if (this.closed) return;
    const speed = this.speed.current;
    const now = performance.now();
    const running = this.slots.flatMap((s) => (s.job ? [s.job] : []));
    const waiting = this.queue.ordered();
    if (!running.some((j) => j.onEstimate) && !waiting.some((j) => j.onEstimate)) return;
    const times = finishTimes({
      runningLeftSec: running.map(
        (j) => renderSec(j.audioSec, speed) - (now - (j.startedAt ?? now)) / 1000,
      ),
      waitingSec: waiting.map((j) => renderSec(j.audioSec, speed)),
      concurrency: this.concurrency,
    });
    running.forEach((j, i) => tell(j, times.running[i]!));
    waiting.forEach((j, i) => tell(j, times.waiting[i]!));
  }

  private spawn(): Slot {
    // An empty execArgv: the source entry registers its own TypeScript loader, and a parent's
    // loader flags would register it a second time.
    const worker = new Worker(ENTRY, { execArgv: [] });
    const slot: Slot = { worker, job: null };
    this.slots.push(slot);

    worker.on('message', (reply: RenderReply) => {
      const job = slot.job;
      if (!job || job.id !== reply.id) return;
      slot.job = null;
      worker.unref();
      if (reply.ok) {
        const wallSec = (performance.now() - (job.startedAt ?? performance.now())) / 1000;
        this.speed.record(reply.take.durationSec, wallSec);
        job.resolve({
          ...reply.take,
          mp3: Buffer.from(reply.mp3),
          previewMp3: Buffer.from(reply.previewMp3),
        });
      } else {
        job.reject(new Error(`render failed: ${reply.error}`));
      }
      this.pump();
    });
    const fail = (err: Error) => {
      const i = this.slots.indexOf(slot);
      if (i >= 0) this.slots.splice(i, 1);
      const job = slot.job;
      slot.job = null;
      job?.reject(err);
      this.pump();
    };
    worker.on('error', (err) => fail(err instanceof Error ? err : new Error(String(err))));
    worker.on('exit', (code) => {
      if (this.slots.includes(slot)) fail(new Error(`render worker exited with code ${code}`));
    });
    return slot;
  }
}
