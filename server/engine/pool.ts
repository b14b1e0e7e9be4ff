// A bounded pool of render workers. Rendering is CPU-bound for seconds at a time; on the API
// thread it would stall every request, so songs render on worker threads, at most
// `concurrency` at once, the rest waiting their owner's turn (FairQueue: in order within one
// owner, the owner served least recently first), so one person's backlog never makes another
// wait for all of it. Idle workers stay alive (the SoundFont stays loaded) but do not keep the
// process from exiting.

import { Worker } from 'node:worker_threads';
import { FairQueue } from './fair-queue.ts';
import type { RenderReply, RenderRequest } from './worker.ts';
import type { RenderedTake, SongSpec } from './types.ts';

export interface EnginePoolOptions {
  /** Songs rendered at once; each takes one worker thread and about 250 MB. */
  concurrency: number;
}

interface Job {
  id: number;
  spec: SongSpec;
  resolve: (take: RenderedTake) => void;
  reject: (err: Error) => void;
}

interface Slot {
  worker: Worker;
  job: Job | null;
}

const ENTRY = new URL('./worker-entry.mjs', import.meta.url);

export class EnginePool {
  readonly concurrency: number;
  private readonly slots: Slot[] = [];
  private readonly queue = new FairQueue<Job>();
  private nextId = 1;
  private closed = false;
  private busyPeak = 0;

  constructor(opts: EnginePoolOptions) {
    const n = Math.floor(Number(opts.concurrency));
    this.concurrency = Number.isFinite(n) && n >= 1 ? Math.min(n, 32) : 1;
  }

  /** Renders one take; `owner` is whose turn it waits for (renders without one share a turn). */
  render(spec: SongSpec, owner = ''): Promise<RenderedTake> {
    if (this.closed) return Promise.reject(new Error('EnginePool is closed'));
    return new Promise<RenderedTake>((resolve, reject) => {
      this.queue.push(owner, { id: this.nextId++, spec, resolve, reject });
      this.pump();
    });
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
        if (this.slots.length >= this.concurrency) return;
        slot = this.spawn();
      }
      const job = this.queue.shift() as Job;
      slot.job = job;
      slot.worker.ref();
      const request: RenderRequest = { id: job.id, spec: job.spec };
      slot.worker.postMessage(request);
      this.busyPeak = Math.max(this.busyPeak, this.slots.filter((s) => s.job).length);
    }
  }

  private spawn(): Slot {
    // An empty execArgv: the entry registers its own TypeScript loader, and a parent's loader
    // flags would register it a second time.
    const worker = new Worker(ENTRY, { execArgv: [] });
    const slot: Slot = { worker, job: null };
    this.slots.push(slot);

    worker.on('message', (reply: RenderReply) => {
      const job = slot.job;
      if (!job || job.id !== reply.id) return;
      slot.job = null;
      worker.unref();
      if (reply.ok) {
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
