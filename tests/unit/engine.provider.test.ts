import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AudioStorage } from '../../server/audio/storage.ts';
import {
  localProvider,
  type LocalProvider,
  type TakeRenderer,
} from '../../server/providers/local.ts';
import type { SubmitRequest, TakeResult } from '../../server/providers/types.ts';
import { waitFor } from '../helpers/stack.ts';

// The provider's bookkeeping around renders, with a renderer that answers at once (or fails);
// real renders are tested in engine.pool.test.ts and through servers in tests/integration.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'refrain-engine-provider-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function renderer(fail?: Error): () => Promise<TakeRenderer> {
  return async () => ({
    render: async (spec) => {
      if (fail) throw fail;
      const mp3 = Buffer.from(`mp3 of ${spec.seed}`);
      return {
        mp3,
        previewMp3: mp3.subarray(0, 6),
        durationSec: 75,
        previewDurationSec: 30,
        plan: {} as never,
        loudnessLufs: -14,
        peakDbfs: -1,
      };
    },
    close: async () => {},
  });
}

function request(): SubmitRequest {
  const slotId = randomUUID();
  return {
    slotId,
    ownerId: 'owner-1',
    seed: slotId,
    title: 'For Ana',
    prompt: 'acoustic pop, warm',
    musicStyle: 'acoustic pop',
    lyrics: '[Verse]\nla la',
    vocals: 'female',
    mood: 'romantic',
    occasion: 'anniversary',
    preset: 'poetic-romantic',
    webhookUrl: 'http://127.0.0.1:9/unused',
  };
}

// Any rejection nobody handled; in the server one would take the API process down.
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
let provider: LocalProvider;
beforeEach(() => {
  unhandled.length = 0;
  process.on('unhandledRejection', onUnhandled);
});
afterEach(async () => {
  process.off('unhandledRejection', onUnhandled);
  await provider?.close();
});

describe('the built-in engine as a provider', () => {
  it('keeps nothing of a render once its takes are handed over', async () => {
    const handed: { slotId: string; takes: TakeResult[] }[] = [];
    provider = localProvider({
      storage: new AudioStorage(dir, 1024 * 1024),
      concurrency: 2,
      renderer: renderer(),
      onComplete: async (slotId, takes) => void handed.push({ slotId, takes }),
    });

    const requests = Array.from({ length: 6 }, request);
    const answers = await Promise.all(requests.map((r) => provider.submit(r)));
    expect(answers.every((a) => a.kind === 'accepted')).toBe(true);
    await waitFor(
      () => handed.length === 6,
      10_000,
      () => `handed over ${handed.length}`,
    );

    expect(new Set(handed.map((h) => h.slotId))).toEqual(new Set(requests.map((r) => r.slotId)));
    expect(handed[0]!.takes.map((t) => t.durationSec)).toEqual([75, 75]);
    await waitFor(() => provider.inProgress === 0, 10_000);
    for (const answer of answers) {
      if (answer.kind === 'accepted') expect(provider.isRunningHere(answer.taskId)).toBe(false);
    }
    expect(unhandled).toEqual([]);
  });

  it('hands the takes over again when recording them failed, without an unhandled rejection', async () => {
    let calls = 0;
    provider = localProvider({
      storage: new AudioStorage(dir, 1024 * 1024),
      concurrency: 1,
      renderer: renderer(),
      onComplete: async () => {
        calls++;
        if (calls === 1) throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
      },
    });
    const answer = await provider.submit(request());
    await waitFor(
      () => calls === 2,
      10_000,
      () => `onComplete called ${calls} time(s)`,
    );
    await waitFor(() => provider.inProgress === 0, 10_000);
    expect(answer.kind === 'accepted' && provider.isRunningHere(answer.taskId)).toBe(false);
    expect(unhandled).toEqual([]);
  });

  it('lets a failed render go, so its slot is rendered again elsewhere', async () => {
    let calls = 0;
    provider = localProvider({
      storage: new AudioStorage(dir, 1024 * 1024),
      concurrency: 1,
      renderer: renderer(new Error('render worker exited with code 1')),
      onComplete: async () => void calls++,
    });
    const answer = await provider.submit(request());
    expect(answer.kind).toBe('accepted');
    await waitFor(() => provider.inProgress === 0, 10_000);
    expect(calls).toBe(0);
    // Not known here any more, and not written off either: the slot's lease decides.
    if (answer.kind === 'accepted') {
      expect((await provider.poll(answer.taskId)).kind).not.toBe('failed');
    }
    expect(unhandled).toEqual([]);
  });
});
