import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  musicGptProvider,
  OUT_OF_FUNDS_REASON,
  parseRetryAfter,
} from '../../server/providers/musicgpt/client.ts';
import type { SubmitRequest } from '../../server/providers/types.ts';
import { startMusicGptStandIn, type MusicGptStandIn } from '../standins/musicgpt.ts';

function request(overrides: Partial<SubmitRequest> = {}): SubmitRequest {
  return {
    slotId: 'slot-1',
    seed: 'seed-1',
    title: 'Lisbon Nights, Maria',
    prompt: 'Acoustic pop ballad, warm male vocal, fingerpicked guitar, slow 72 BPM',
    musicStyle: 'acoustic pop',
    lyrics: '[Verse 1]\nWe met in Lisbon when the summer was new\n\n[Chorus]\nMaria, Maria',
    vocals: 'male',
    mood: 'tender',
    occasion: 'anniversary',
    preset: 'ballad',
    // Nothing listens on port 9 of loopback: webhooks from these tests are refused and given up.
    webhookUrl: 'http://127.0.0.1:9/api/webhooks/musicgpt/slot-1?token=abc',
    ...overrides,
  };
}

let standIn: MusicGptStandIn;

beforeAll(async () => {
  standIn = await startMusicGptStandIn({ apiKey: 'test-key-123' });
});
afterAll(async () => {
  await standIn.close();
});
beforeEach(() => {
  standIn.reset();
  // These tests are about the API calls; the webhook tests have their own receiver.
  standIn.script.webhooks = 'none';
});

describe('musicGptProvider.submit', () => {
  it('maps an accepted V2 call to the task and conversion ids and sends the documented fields', async () => {
    const provider = musicGptProvider({ apiKey: standIn.apiKey, apiUrl: standIn.url });
    const result = await provider.submit(request());

    expect(result.kind).toBe('accepted');
    if (result.kind !== 'accepted') return;
    const task = standIn.tasks.get(result.taskId);
    expect(task).toBeDefined();
    expect(result.conversionIds).toEqual(task!.conversionIds);
    expect(result.etaSec).toBe(154);

    expect(task!.headers.authorization).toBe('test-key-123');
    expect(task!.headers['content-type']).toBe('application/json');
    expect(task!.body).toEqual({
      model: 'v6',
      title: 'Lisbon Nights, Maria',
      prompt: request().prompt,
      music_style: 'acoustic pop',
      lyrics: request().lyrics,
      make_instrumental: false,
      generate_album_cover: true,
      lyrics_timestamps: true,
      gender: 'male',
      webhook_url: request().webhookUrl,
    });
    expect(standIn.accepted).toBe(1);
    expect(provider.name).toBe('musicgpt');
  });

  it('sends the configured model, and never voice_id or vocal_only (either forces v6)', async () => {
    for (const model of ['v6', 'v6-pro', 'v7', 'v7-pro'] as const) {
      const provider = musicGptProvider({ apiKey: standIn.apiKey, apiUrl: standIn.url, model });
      const result = await provider.submit(request({ vocals: 'none' }));
      if (result.kind !== 'accepted') throw new Error(`expected accepted, got ${result.kind}`);
      const body = standIn.tasks.get(result.taskId)!.body;
      expect(body.model).toBe(model);
      expect('voice_id' in body || 'vocal_only' in body).toBe(false);
    }
  });

  it('prices a call as two songs of the plan’s price for the model', () => {
    const cents = (plan: 'free' | 'plus' | 'pro', model: 'v6' | 'v6-pro' | 'v7' | 'v7-pro') =>
      musicGptProvider({ apiKey: 'k', apiUrl: standIn.url, plan, model }).estimatedCostCents;
    expect(cents('pro', 'v7-pro')).toBe(12);
    expect(cents('pro', 'v7')).toBe(10);
    expect(cents('pro', 'v6-pro')).toBe(9);
    expect(cents('pro', 'v6')).toBe(7);
    expect(cents('plus', 'v6-pro')).toBe(12);
    expect(cents('plus', 'v6')).toBe(10);
    expect(cents('free', 'v6')).toBe(20);
    expect(() => cents('plus', 'v7-pro')).toThrow(/plus plan does not offer the v7-pro model/);
    expect(musicGptProvider({ apiKey: 'k', apiUrl: standIn.url }).estimatedCostCents).toBe(7);
  });

  it('asks for an instrumental and sends no gender when vocals are none', async () => {
    const provider = musicGptProvider({ apiKey: standIn.apiKey, apiUrl: `${standIn.url}/` });
    const result = await provider.submit(request({ vocals: 'none' }));
    expect(result.kind).toBe('accepted');
    if (result.kind !== 'accepted') return;
    const body = standIn.tasks.get(result.taskId)!.body;
    expect(body.make_instrumental).toBe(true);
    expect('gender' in body).toBe(false);
  });

  it('sends gender female for female vocals', async () => {
    const provider = musicGptProvider({ apiKey: standIn.apiKey, apiUrl: standIn.url });
    const result = await provider.submit(request({ vocals: 'female' }));
    if (result.kind !== 'accepted') throw new Error(`expected accepted, got ${result.kind}`);
    expect(standIn.tasks.get(result.taskId)!.body.gender).toBe('female');
  });

  it('answers 429 with Retry-After as retryable with retryAfterMs', async () => {
    standIn.script.rateLimitNext = 1;
    standIn.script.retryAfterSec = 2;
    const provider = musicGptProvider({ apiKey: standIn.apiKey, apiUrl: standIn.url });

    const limited = await provider.submit(request());
    expect(limited).toMatchObject({ kind: 'retryable', status: 429, retryAfterMs: 2000 });
    expect(standIn.accepted).toBe(0);

    const next = await provider.submit(request());
    expect(next.kind).toBe('accepted');
    expect(standIn.attempts).toBe(2);
  });

  it('reads a fractional Retry-After and a zero one', async () => {
    const provider = musicGptProvider({ apiKey: standIn.apiKey, apiUrl: standIn.url });
    standIn.script.rateLimitNext = 1;
    standIn.script.retryAfterSec = 0.25;
    expect(await provider.submit(request())).toMatchObject({
      kind: 'retryable',
      retryAfterMs: 250,
    });
    standIn.script.rateLimitNext = 1;
    standIn.script.retryAfterSec = 0;
    expect(await provider.submit(request())).toMatchObject({ kind: 'retryable', retryAfterMs: 0 });
  });

  it('answers 500 as retryable', async () => {
    standIn.script.serverErrorNext = 1;
    const provider = musicGptProvider({ apiKey: standIn.apiKey, apiUrl: standIn.url });
    const result = await provider.submit(request());
    expect(result).toMatchObject({ kind: 'retryable', status: 500 });
    if (result.kind === 'retryable') expect(result.retryAfterMs).toBeUndefined();
    expect(standIn.accepted).toBe(0);
  });

  it('answers 402 INSUFFICIENT_CREDITS as fatal: out of funds', async () => {
    standIn.script.outOfFunds = true;
    const provider = musicGptProvider({ apiKey: standIn.apiKey, apiUrl: standIn.url });
    const result = await provider.submit(request());
    expect(result).toEqual({
      kind: 'fatal',
      reason: OUT_OF_FUNDS_REASON,
      status: 402,
      raw: {
        success: false,
        error_code: 'INSUFFICIENT_CREDITS',
        message: 'Insufficient credits to process this request.',
      },
    });
    expect(OUT_OF_FUNDS_REASON).toContain('out of funds');
  });

  it('answers a wrong key (401) as fatal with MusicGPT’s message', async () => {
    const provider = musicGptProvider({ apiKey: 'wrong-key', apiUrl: standIn.url });
    const result = await provider.submit(request());
    expect(result).toMatchObject({
      kind: 'fatal',
      status: 401,
      reason: 'Invalid or missing API key (UNAUTHORIZED_ACCESS)',
    });
    expect(standIn.accepted).toBe(0);
  });

  it('answers a rejected request (400) as fatal with MusicGPT’s message', async () => {
    const provider = musicGptProvider({ apiKey: standIn.apiKey, apiUrl: standIn.url });
    const result = await provider.submit(request({ prompt: '', lyrics: '', musicStyle: '' }));
    expect(result).toMatchObject({
      kind: 'fatal',
      status: 400,
      reason: 'prompt, lyrics or music_style is required',
    });
  });

  it('never has more than 10 calls open when 30 submits start at once', async () => {
    standIn.script.responseDelayMs = 50;
    const provider = musicGptProvider({ apiKey: standIn.apiKey, apiUrl: standIn.url });
    let highestSeenByClient = 0;
    const results = await Promise.all(
      Array.from({ length: 30 }, async (_, i) => {
        const pending = provider.submit(request({ slotId: `slot-${i}` }));
        highestSeenByClient = Math.max(highestSeenByClient, provider.inFlight());
        return pending;
      }),
    );
    expect(results.every((r) => r.kind === 'accepted')).toBe(true);
    expect(new Set(results.map((r) => (r.kind === 'accepted' ? r.taskId : ''))).size).toBe(30);
    expect(standIn.accepted).toBe(30);
    expect(standIn.maxInFlight).toBeLessThanOrEqual(10);
    // The limit is a ceiling, not a queue of one: ten calls really did overlap.
    expect(standIn.maxInFlight).toBe(10);
    expect(highestSeenByClient).toBe(10);
    expect(provider.inFlight()).toBe(0);
  });

  it('counts polls against the same limit as submits', async () => {
    standIn.script.responseDelayMs = 40;
    const provider = musicGptProvider({
      apiKey: standIn.apiKey,
      apiUrl: standIn.url,
      maxInFlight: 3,
    });
    const first = await provider.submit(request());
    if (first.kind !== 'accepted') throw new Error('expected accepted');
    await Promise.all([
      ...Array.from({ length: 4 }, () => provider.submit(request())),
      ...Array.from({ length: 4 }, () => provider.poll(first.taskId)),
    ]);
    expect(standIn.maxInFlight).toBeLessThanOrEqual(3);
    expect(standIn.polls).toBe(4);
  });

  it('serves waiting calls first come, first served', async () => {
    standIn.script.responseDelayMs = 20;
    const provider = musicGptProvider({
      apiKey: standIn.apiKey,
      apiUrl: standIn.url,
      maxInFlight: 1,
    });
    const prompts = Array.from({ length: 6 }, (_, i) => `Song number ${i}`);
    await Promise.all(prompts.map((prompt) => provider.submit(request({ prompt }))));
    // The Map keeps insertion order, which is the order the stand-in accepted the calls in.
    const arrived = [...standIn.tasks.values()].map((t) => t.body.prompt);
    expect(arrived).toEqual(prompts);
    expect(standIn.maxInFlight).toBe(1);
  });

  it('reports a timeout as retryable and warns that the task may exist', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    standIn.script.onAccept = () => held;
    const provider = musicGptProvider({
      apiKey: standIn.apiKey,
      apiUrl: standIn.url,
      timeoutMs: 100,
    });
    const result = await provider.submit(request());
    release();
    expect(result).toMatchObject({ kind: 'retryable', maybeAccepted: true });
    if (result.kind === 'retryable') expect(result.reason).toContain('100 ms');
    // The ambiguity is real: the provider did create (and would bill) the task.
    expect(standIn.accepted).toBe(1);
    expect(provider.inFlight()).toBe(0);
  });

  it('reports a refused connection as retryable and certainly not accepted', async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const s = createServer();
      s.listen(0, '127.0.0.1', () => {
        const { port } = s.address() as AddressInfo;
        s.close(() => resolve(port));
      });
    });
    const provider = musicGptProvider({
      apiKey: 'k',
      apiUrl: `http://127.0.0.1:${closedPort}/api/public`,
    });
    const result = await provider.submit(request());
    expect(result).toMatchObject({ kind: 'retryable', maybeAccepted: false });
    if (result.kind === 'retryable') expect(result.reason).toContain('ECONNREFUSED');
  });
});

describe('musicGptProvider with answers the stand-in does not give', () => {
  let server: Server;
  let base: string;
  let next: { status: number; body: string; headers?: Record<string, string> };
  const paths: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      paths.push(`${req.method} ${req.url}`);
      req.resume();
      req.on('end', () => {
        res.writeHead(next.status, { 'content-type': 'application/json', ...next.headers });
        res.end(next.body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/public`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('submits to /v2/MusicAI and polls /v1/byId under one base', async () => {
    paths.length = 0;
    next = { status: 200, body: JSON.stringify({ success: true, task_id: 't-1' }) };
    const provider = musicGptProvider({ apiKey: 'k', apiUrl: `${base}/` });
    await provider.submit(request());
    next = {
      status: 200,
      body: JSON.stringify({ success: true, conversion: { status: 'IN_QUEUE' } }),
    };
    await provider.poll('t-1');
    expect(paths).toEqual([
      'POST /api/public/v2/MusicAI',
      'GET /api/public/v1/byId?conversionType=MUSIC_AI&task_id=t-1',
    ]);
  });

  it.each([
    [424, 'FAILED_DEPENDENCY', { kind: 'retryable', maybeAccepted: true }],
    [429, 'TOO_MANY_REQUESTS', { kind: 'retryable' }],
    [500, 'INTERNAL_SERVER_ERROR', { kind: 'retryable' }],
    [503, 'SERVICE_UNAVAILABLE', { kind: 'retryable' }],
    [401, 'UNAUTHORIZED_ACCESS', { kind: 'fatal' }],
    [404, 'RESOURCE_NOT_FOUND', { kind: 'fatal' }],
    [422, 'UNPROCESSABLE_CONTENT', { kind: 'fatal' }],
    // The code decides when the status says otherwise.
    [400, 'TOO_MANY_REQUESTS', { kind: 'retryable' }],
    [400, 'INSUFFICIENT_CREDITS', { kind: 'fatal', reason: OUT_OF_FUNDS_REASON }],
    [200, 'INSUFFICIENT_CREDITS', { kind: 'fatal', reason: OUT_OF_FUNDS_REASON }],
    [500, 'UNPROCESSABLE_CONTENT', { kind: 'fatal' }],
  ] as const)('classifies %i %s by its error_code', async (status, code, expected) => {
    next = {
      status,
      body: JSON.stringify({ success: false, error_code: code, message: 'MusicGPT says no' }),
    };
    const result = await musicGptProvider({ apiKey: 'k', apiUrl: base }).submit(request());
    expect(result).toMatchObject({ ...expected, status });
    if (result.kind === 'retryable' && code !== 'FAILED_DEPENDENCY') {
      expect(result.maybeAccepted).toBeUndefined();
    }
    if (!('reason' in expected)) {
      expect(result).toMatchObject({ reason: `MusicGPT says no (${code})` });
    }
  });

  it('names a model the plan lacks when MusicGPT answers 403 FORBIDDEN', async () => {
    next = {
      status: 403,
      body: JSON.stringify({
        success: false,
        error_code: 'FORBIDDEN',
        message: 'Your plan or account entitlements do not permit the requested operation',
      }),
    };
    const result = await musicGptProvider({ apiKey: 'k', apiUrl: base, model: 'v7' }).submit(
      request(),
    );
    expect(result.kind).toBe('fatal');
    if (result.kind !== 'fatal') return;
    expect(result.status).toBe(403);
    expect(result.reason).toMatch(/v7 model/);
    expect(result.reason).toMatch(/MUSICGPT_MODEL/);
    expect(result.reason).toMatch(/do not permit the requested operation \(FORBIDDEN\)/);
  });

  it('treats success:false in a 200 as fatal with the message', async () => {
    next = {
      status: 200,
      body: JSON.stringify({ success: false, message: 'Artist names are not allowed' }),
    };
    const result = await musicGptProvider({ apiKey: 'k', apiUrl: base }).submit(request());
    expect(result).toMatchObject({
      kind: 'fatal',
      reason: 'Artist names are not allowed',
      status: 200,
    });
  });

  it('treats 422 as fatal and 503 with an HTTP-date Retry-After as retryable', async () => {
    next = { status: 422, body: JSON.stringify({ success: false, error: 'lyrics too long' }) };
    expect(await musicGptProvider({ apiKey: 'k', apiUrl: base }).submit(request())).toMatchObject({
      kind: 'fatal',
      status: 422,
      reason: 'lyrics too long',
    });
    const when = new Date(Date.now() + 120_000).toUTCString();
    next = { status: 503, body: 'upstream down', headers: { 'retry-after': when } };
    const result = await musicGptProvider({ apiKey: 'k', apiUrl: base }).submit(request());
    expect(result.kind).toBe('retryable');
    if (result.kind !== 'retryable') return;
    expect(result.status).toBe(503);
    expect(result.retryAfterMs).toBeGreaterThan(100_000);
    expect(result.retryAfterMs).toBeLessThanOrEqual(120_000);
  });

  it('falls back to taskId-based conversion ids when MusicGPT omits them', async () => {
    next = { status: 200, body: JSON.stringify({ success: true, task_id: 't-9' }) };
    const result = await musicGptProvider({ apiKey: 'k', apiUrl: base }).submit(request());
    expect(result).toMatchObject({
      kind: 'accepted',
      taskId: 't-9',
      conversionIds: ['t-9:1', 't-9:2'],
    });
  });

  it('refuses to call a 200 without task_id accepted', async () => {
    next = { status: 200, body: JSON.stringify({ success: true, message: 'ok' }) };
    expect((await musicGptProvider({ apiKey: 'k', apiUrl: base }).submit(request())).kind).toBe(
      'fatal',
    );
  });

  const answerById = (conversion: Record<string, unknown>) => {
    next = { status: 200, body: JSON.stringify({ success: true, conversion }) };
  };

  it('maps poll statuses and tolerates numbers sent as strings', async () => {
    const provider = musicGptProvider({ apiKey: 'k', apiUrl: base });
    answerById({ status: 'IN_QUEUE' });
    expect((await provider.poll('t')).kind).toBe('pending');
    answerById({ status: 'ERROR', status_msg: 'boom' });
    expect(await provider.poll('t')).toMatchObject({ kind: 'failed', reason: 'boom' });
    answerById({ status: 'FAILED' });
    expect((await provider.poll('t')).kind).toBe('failed');
    // V2's byId example puts the words in `message`.
    answerById({ status: 'FAILED', message: 'Lyrics could not be sung' });
    expect(await provider.poll('t')).toMatchObject({
      kind: 'failed',
      reason: 'Lyrics could not be sung',
    });
    answerById({
      status: 'COMPLETED',
      conversion_path_1: 'https://x/1.mp3',
      conversion_path_2: 'https://x/2.mp3',
      album_cover_path: '',
      album_cover_thumbnail: 'https://x/cover_thumb.jpg',
    });
    expect(await provider.poll('t')).toMatchObject({
      kind: 'completed',
      coverUrl: 'https://x/cover_thumb.jpg',
    });
    answerById({
      status: 'COMPLETED',
      conversion_path_1: 'https://x/1.mp3',
      conversion_path_2: 'https://x/2.mp3',
      conversion_duration_1: '163.84',
      conversion_duration_2: 170.5,
    });
    const done = await provider.poll('t');
    expect(done).toMatchObject({
      kind: 'completed',
      takes: [
        { conversionId: 't:1', audioUrl: 'https://x/1.mp3', durationSec: 163.84 },
        { conversionId: 't:2', audioUrl: 'https://x/2.mp3', durationSec: 170.5 },
      ],
    });
    next = { status: 502, body: '<html>bad gateway</html>' };
    expect(await provider.poll('t')).toMatchObject({ kind: 'retryable', status: 502 });
  });
});

describe('musicGptProvider.poll against the stand-in', () => {
  it('is pending while MusicGPT works and completed with both takes afterwards', async () => {
    standIn.script.completes = false;
    const provider = musicGptProvider({ apiKey: standIn.apiKey, apiUrl: standIn.url });
    const submitted = await provider.submit(request());
    if (submitted.kind !== 'accepted') throw new Error('expected accepted');

    expect((await provider.poll(submitted.taskId)).kind).toBe('pending');
    standIn.complete(submitted.taskId);
    const done = await provider.poll(submitted.taskId);

    expect(done.kind).toBe('completed');
    if (done.kind !== 'completed') return;
    expect(done.takes.map((t) => t.conversionId)).toEqual(submitted.conversionIds);
    for (const take of done.takes) {
      expect(take.audioUrl).toBe(`${standIn.origin}/files/${take.conversionId}.mp3`);
      expect(take.wavUrl).toBe(`${standIn.origin}/files/${take.conversionId}.wav`);
      expect(take.durationSec).toBe(standIn.mp3DurationSec);
      expect(take.lyrics).toBe(request().lyrics);
      expect(take.title).toMatch(/^Lisbon Nights, Maria \(take [12]\)$/);
      expect(Array.isArray(take.lyricsTimestamped)).toBe(true);
    }
    expect(done.coverUrl).toBe(`${standIn.origin}/files/${submitted.taskId}.png`);
    expect(standIn.polls).toBe(2);
  });

  it('answers failed when MusicGPT reports FAILED, and retryable on 429 or an unknown task', async () => {
    standIn.script.completes = false;
    const provider = musicGptProvider({ apiKey: standIn.apiKey, apiUrl: standIn.url });
    const submitted = await provider.submit(request());
    if (submitted.kind !== 'accepted') throw new Error('expected accepted');

    standIn.script.pollRateLimitNext = 1;
    expect(await provider.poll(submitted.taskId)).toMatchObject({
      kind: 'retryable',
      status: 429,
      retryAfterMs: 1000,
    });

    standIn.fail(submitted.taskId, 'prompt rejected');
    expect(await provider.poll(submitted.taskId)).toMatchObject({
      kind: 'failed',
      reason: 'prompt rejected',
    });

    expect(await provider.poll('no-such-task')).toMatchObject({ kind: 'retryable', status: 404 });
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates and ignores junk', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter('1.5', now)).toBe(1500);
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:10 GMT', now)).toBe(10_000);
    expect(parseRetryAfter('Tue, 31 Dec 2024 23:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});
