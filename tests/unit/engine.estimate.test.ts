import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AudioStorage } from '../../server/audio/storage.ts';
import {
  DEFAULT_RENDER_SPEED,
  RenderSpeed,
  finishTimes,
  renderSec,
} from '../../server/engine/estimate.ts';
import { FairQueue } from '../../server/engine/fair-queue.ts';
// The pool's own module, not the engine's index: estimating needs no renderer loaded here.
import { EnginePool, type RenderEstimate } from '../../server/engine/pool.ts';
import type { RenderedTake } from '../../server/engine/types.ts';
import { sampleSpec } from '../../server/engine/samples.ts';
import { localProvider, type TakeRenderer } from '../../server/providers/local.ts';
import type { SubmitRequest } from '../../server/providers/types.ts';

describe('finishTimes', () => {
  it('a render with a free worker is done after its own time', () => {
    expect(finishTimes({ runningLeftSec: [], waitingSec: [30], concurrency: 2 })).toEqual({
      running: [],
      waiting: [30],
    });
  });

  it('waits for the worker that frees first, one queue place per worker', () => {
    // Two workers, both busy for 10 s; five renders of 30 s waiting in line.
    const { waiting } = finishTimes({
      runningLeftSec: [10, 10],
      waitingSec: [30, 30, 30, 30, 30],
      concurrency: 2,
    });
    // Place k is done after ⌊k / 2⌋ + 1 renders, once the running ones end.
    expect(waiting).toEqual([40, 40, 70, 70, 100]);
  });

  it('with one worker, every render ahead adds its whole time', () => {
    const { waiting } = finishTimes({
      runningLeftSec: [5],
      waitingSec: [20, 20, 20],
      concurrency: 1,
    });
    expect(waiting).toEqual([25, 45, 65]);
  });

  it('more workers bring the same place sooner', () => {
    const line = { runningLeftSec: [12, 12], waitingSec: Array(6).fill(12) as number[] };
    const two = finishTimes({ ...line, concurrency: 2 }).waiting.at(-1)!;
    const four = finishTimes({ ...line, concurrency: 4 }).waiting.at(-1)!;
    expect(two).toBe(48);
    expect(four).toBe(24);
  });

  it('a running render past its expected time counts as ending now, never before', () => {
    const { running, waiting } = finishTimes({
      runningLeftSec: [-8],
      waitingSec: [10],
      concurrency: 1,
    });
    expect(running).toEqual([0]);
    expect(waiting).toEqual([10]);
  });

  it('a render takes its audio length over the speed', () => {
    expect(renderSec(150, 10)).toBe(15);
    expect(renderSec(150, DEFAULT_RENDER_SPEED)).toBe(37.5);
  });
});

describe('RenderSpeed', () => {
  it('starts from a conservative default and takes the first measurement whole', () => {
    const speed = new RenderSpeed();
    expect(speed.current).toBe(DEFAULT_RENDER_SPEED);
    speed.record(150, 10);
    expect(speed.current).toBe(15);
    expect(speed.samples).toBe(1);
  });

  it('moves a part of the way toward each later render, so one slow render does not swing it', () => {
    const speed = new RenderSpeed();
    speed.record(150, 10); // 15×
    speed.record(150, 50); // 3×, a render slowed by a busy moment
    expect(speed.current).toBeCloseTo(15 + 0.3 * (3 - 15), 6);
    for (let i = 0; i < 30; i++) speed.record(100, 10);
    expect(speed.current).toBeCloseTo(10, 2);
  });

  it('ignores measurements that mean nothing', () => {
    const speed = new RenderSpeed();
    speed.record(0, 10);
    speed.record(150, 0);
    speed.record(Number.NaN, 3);
    expect(speed.current).toBe(DEFAULT_RENDER_SPEED);
    expect(speed.samples).toBe(0);
  });
});

it('FairQueue.ordered lists the waiting items in the order shift hands them out', () => {
  const q = new FairQueue<string>();
  for (let i = 1; i <= 3; i++) q.push('flood', `flood-${i}`);
  expect(q.shift()).toBe('flood-1');
  q.push('ana', 'ana-1');
  q.push('ana', 'ana-2');
  q.push('ben', 'ben-1');
  const listed = q.ordered();
  expect(q.length).toBe(5);
  const shifted: string[] = [];
  while (q.length) shifted.push(q.shift()!);
  expect(listed).toEqual(shifted);
  expect(listed).toEqual(['ana-1', 'ben-1', 'flood-2', 'ana-2', 'flood-3']);
});

it('the engine pool estimates each render from its speed, its queue place and whose turn it is', async () => {
  const pool = new EnginePool({ concurrency: 1 });
  const heard: Record<string, number[]> = { a1: [], a2: [], b1: [] };
  const listen = (name: string) => (sec: number) => void heard[name]!.push(sec);
  const spec = (seed: string, durationSec: number) => sampleSpec({ seed, durationSec, lyrics: '' });
  const renders = [
    pool.render(spec('est-a:1', 120), 'ana', listen('a1')),
    pool.render(spec('est-a:2', 120), 'ana', listen('a2')),
    pool.render(spec('est-b:1', 160), 'ben', listen('b1')),
  ];
  // Told before render() returned, nothing rendered yet: the default speed.
  const t = (audioSec: number) => audioSec / DEFAULT_RENDER_SPEED;
  expect(pool.renderSpeed).toBe(DEFAULT_RENDER_SPEED);
  expect(heard.a1![0]).toBeCloseTo(t(120), 1);
  expect(heard.a2![0]).toBeCloseTo(t(120) + t(120), 1);
  // Ben was never served: his render goes before Ana's second, and her estimate moves back.
  expect(heard.b1![0]).toBeCloseTo(t(120) + t(160), 1);
  expect(heard.a2!.at(-1)).toBeCloseTo(t(120) + t(160) + t(120), 1);
  // Closing refuses the renders still waiting; they are settled, not left unhandled.
  const settled = Promise.allSettled(renders);
  await pool.close();
  await settled;
});

describe('the built-in engine as a provider, estimating', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'refrain-engine-estimate-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  // Renders that report what the test tells them and finish when it says so.
  function scripted() {
    const listeners = new Map<string, RenderEstimate>();
    const finish = new Map<string, () => void>();
    const renderer: TakeRenderer = {
      render: (spec, _owner, onEstimate) => {
        listeners.set(spec.seed, onEstimate!);
        onEstimate?.(spec.take === 1 ? 20 : 40);
        return new Promise<RenderedTake>((resolve) =>
          finish.set(spec.seed, () =>
            resolve({
              mp3: Buffer.from('mp3'),
              previewMp3: Buffer.from('mp'),
              durationSec: 60,
              previewDurationSec: 30,
              plan: {
                key: 'C',
                mode: 'major',
                bpm: 90,
                metre: '4/4',
                progression: [],
                instruments: [],
                sections: [],
                lyricTimes: [],
              },
              loudnessLufs: -14,
              peakDbfs: -1,
            }),
          ),
        );
      },
      close: async () => {},
    };
    return { renderer, listeners, finish };
  }

  const request = (): SubmitRequest => {
    const slotId = randomUUID();
    return {
      slotId,
      seed: slotId,
      title: 'For Ana',
      prompt: 'acoustic pop',
      musicStyle: 'acoustic pop',
      lyrics: '',
      vocals: 'female',
      mood: 'warm',
      occasion: 'birthday',
      preset: 'upbeat-playful',
    };
  };

  it('answers with the later take, and reports only moves of seconds that matter', async () => {
    const { renderer, listeners, finish } = scripted();
    const moved: { slotId: string; sec: number }[] = [];
    const provider = localProvider({
      storage: new AudioStorage(dir, 1024 * 1024),
      concurrency: 1,
      renderer: async () => renderer,
      onComplete: async () => {},
      onEstimate: (slotId, sec) => void moved.push({ slotId, sec }),
    });
    try {
      const req = request();
      const answer = await provider.submit(req);
      expect(answer.kind).toBe('accepted');
      // Both takes estimated before the answer: the slot is ready when the later one is.
      expect(answer.kind === 'accepted' && answer.etaSec).toBeGreaterThanOrEqual(39);
      expect(answer.kind === 'accepted' && answer.etaSec).toBeLessThanOrEqual(40);
      expect(moved).toEqual([]);

      // A second's drift is not worth a write; a start that comes 30 s late is.
      listeners.get(`${req.seed}:2`)!(41);
      expect(moved).toEqual([]);
      listeners.get(`${req.seed}:2`)!(70);
      expect(moved).toHaveLength(1);
      expect(moved[0]!.slotId).toBe(req.slotId);
      expect(moved[0]!.sec).toBeGreaterThan(69);
      expect(moved[0]!.sec).toBeLessThanOrEqual(70);

      // Once the takes are handed over, the task's estimate is gone with it.
      finish.get(`${req.seed}:1`)!();
      finish.get(`${req.seed}:2`)!();
      await expect.poll(() => provider.inProgress).toBe(0);
      listeners.get(`${req.seed}:2`)!(500);
      expect(moved).toHaveLength(1);
    } finally {
      await provider.close();
    }
  });

  it('answers without an estimate when its renderer gives none', async () => {
    const provider = localProvider({
      storage: new AudioStorage(dir, 1024 * 1024),
      concurrency: 1,
      renderer: async () => ({
        render: () => new Promise<RenderedTake>(() => {}),
        close: async () => {},
      }),
      onComplete: async () => {},
    });
    try {
      const answer = await provider.submit(request());
      expect(answer.kind === 'accepted' && 'etaSec' in answer).toBe(false);
    } finally {
      await provider.close();
    }
  });
});
