import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MPEGDecoder } from 'mpg123-decoder';
import { parseMusicGptWebhook } from '../../server/providers/musicgpt/webhook.ts';
import {
  startMusicGptStandIn,
  type MusicGptStandIn,
  type WebhookOrder,
} from '../standins/musicgpt.ts';

// The stand-in is what the integration tests trust in place of MusicGPT, so its own promises
// (ordering, duplicates, retries, valid audio) are checked here.

let standIn: MusicGptStandIn;
let receiver: Server;
let webhookUrl: string;
/** Status codes the receiver answers with, one per request; 200 once the list is used up. */
let answers: number[] = [];
const received: Array<Record<string, unknown>> = [];

beforeAll(async () => {
  standIn = await startMusicGptStandIn({ apiKey: 'stand-in-key' });
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>);
      res.writeHead(answers.shift() ?? 200).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  webhookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook?slot=s1&token=t`;
});
afterAll(async () => {
  await standIn.close();
  receiver.closeAllConnections();
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
});
beforeEach(() => {
  standIn.reset();
  received.length = 0;
  answers = [];
});

/** A Music AI request with the stand-in's key, to V2's path unless another is named. */
function submit(body: Record<string, unknown>, path = '/v2/MusicAI') {
  return fetch(`${standIn.url}${path}`, {
    method: 'POST',
    headers: { authorization: standIn.apiKey, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

async function createTask(body: Record<string, unknown> = {}): Promise<string> {
  const res = await submit({
    prompt: 'A test song',
    lyrics: 'la\nla',
    generate_album_cover: true,
    lyrics_timestamps: true,
    webhook_url: webhookUrl,
    ...body,
  });
  const json = (await res.json()) as { success: boolean; task_id: string };
  expect(res.status).toBe(200);
  expect(json.success).toBe(true);
  return json.task_id;
}

function kinds(): string[] {
  return received.map((b) => parseMusicGptWebhook(b).kind);
}

const SEVEN = ['music', 'music', 'lyrics', 'lyrics', 'streaming', 'streaming', 'cover'];

describe('MusicGPT stand-in webhooks', () => {
  it.each<[WebhookOrder, string[]]>([
    ['in-order', SEVEN],
    ['reversed', [...SEVEN].reverse()],
    ['lyrics-first', ['lyrics', 'lyrics', 'music', 'music', 'streaming', 'streaming', 'cover']],
    ['cover-first', ['cover', 'music', 'music', 'lyrics', 'lyrics', 'streaming', 'streaming']],
    ['streaming-first', ['streaming', 'streaming', 'music', 'music', 'lyrics', 'lyrics', 'cover']],
    ['duplicated', SEVEN.flatMap((k) => [k, k])],
    // The webhook page's generic sample names the task and no take: confirm by byId.
    ['documented-sample', ['confirm']],
    ['none', []],
  ])('delivers %s', async (order, expected) => {
    standIn.script.webhooks = order;
    const taskId = await createTask();
    await standIn.webhooksSettled(taskId);
    expect(kinds()).toEqual(expected);
    expect(received.every((b) => b.task_id === taskId)).toBe(true);
  });

  it('sends no lyrics webhooks for an instrumental, as MusicGPT documents', async () => {
    const taskId = await createTask({ make_instrumental: true, lyrics: '' });
    await standIn.webhooksSettled(taskId);
    expect(kinds()).toEqual(['music', 'music', 'streaming', 'streaming', 'cover']);
  });

  it('sends the cover and the timed lyrics only when asked for, both being off by default', async () => {
    const taskId = await createTask({ generate_album_cover: undefined, lyrics_timestamps: false });
    await standIn.webhooksSettled(taskId);
    expect(kinds()).toEqual(['music', 'music', 'streaming', 'streaming']);
    const music = received.filter((b) => b.subtype === 'music_ai');
    expect(music.every((b) => b.album_cover_path === '' && b.lyrics_timestamped === '')).toBe(true);
    const byId = (await (
      await fetch(`${standIn.url}/v1/byId?conversionType=MUSIC_AI&task_id=${taskId}`, {
        headers: { authorization: standIn.apiKey },
      })
    ).json()) as { conversion: Record<string, unknown> };
    expect(byId.conversion.album_cover_path).toBe('');
    expect(byId.conversion.lyrics_timestamped_1).toBe('');

    received.length = 0;
    standIn.script.honourOutputFlags = false;
    const always = await createTask({ generate_album_cover: false, lyrics_timestamps: false });
    await standIn.webhooksSettled(always);
    expect(kinds()).toEqual(SEVEN);
  });

  it('sends the webhooks with the fields of MusicGPT’s samples', async () => {
    const taskId = await createTask();
    await standIn.webhooksSettled(taskId);
    const task = standIn.tasks.get(taskId)!;
    const bySubtype = (subtype: string) => received.filter((b) => b.subtype === subtype);
    for (const body of received) {
      expect(body).toMatchObject({ success: true, conversion_type: 'Music AI', task_id: taskId });
    }
    expect(Object.keys(bySubtype('music_ai')[0]!).sort()).toEqual(
      [
        'success',
        'conversion_type',
        'task_id',
        'conversion_id',
        'conversion_path',
        'conversion_path_wav',
        'conversion_duration',
        'is_flagged',
        'reason',
        'lyrics',
        'lyrics_timestamped',
        'title',
        'album_cover_path',
        'subtype',
      ].sort(),
    );
    for (const stream of bySubtype('audio_streaming')) {
      expect(String(stream.streaming_url)).toMatch(
        /^http:\/\/127\.0\.0\.1:\d+\/streams\/.+\/index\.m3u8$/,
      );
    }
    const [cover] = bySubtype('album_cover_generation');
    expect(cover).toMatchObject({
      image_paths: [cover!.image_path],
      thumbnail_paths: [cover!.thumbnail_path],
      conversion_id_1: task.conversionIds[0],
      conversion_id_2: task.conversionIds[1],
      album_cover_generator_output: true,
    });
    expect('conversion_id' in cover!).toBe(false);
  });

  it('retries a delivery the receiver answered 500, like an at-least-once sender', async () => {
    answers = [500, 503];
    const taskId = await createTask();
    await standIn.webhooksSettled(taskId);
    const first = standIn.deliveries.filter(
      (d) => d.body === standIn.tasks.get(taskId)!.webhooks[0]!.body,
    );
    expect(first.map((d) => [d.status, d.attempt])).toEqual([
      [500, 1],
      [503, 2],
      [200, 3],
    ]);
    // The receiver saw the first webhook three times and every other one once.
    expect(kinds()).toEqual(['music', 'music', ...SEVEN]);
  });

  it('gives up on a receiver that refuses connections and still settles', async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const s = createServer();
      s.listen(0, '127.0.0.1', () => {
        const { port } = s.address() as AddressInfo;
        s.close(() => resolve(port));
      });
    });
    const taskId = await createTask({
      webhook_url: `http://127.0.0.1:${closedPort}/hook`,
      make_instrumental: true,
    });
    await standIn.webhooksSettled(taskId);
    expect(standIn.deliveries).toHaveLength(5 * 4);
    expect(standIn.deliveries.every((d) => d.status === 0 && d.error)).toBe(true);
    expect(Math.max(...standIn.deliveries.map((d) => d.attempt))).toBe(4);
  });

  it('replays every webhook of a task on deliverAgain', async () => {
    const taskId = await createTask();
    await standIn.webhooksSettled(taskId);
    await standIn.deliverAgain(taskId);
    expect(kinds()).toEqual([...SEVEN, ...SEVEN]);
    expect(received.slice(0, 7)).toEqual(received.slice(7));
  });

  it('sends nothing while a task is unfinished, then delivers on complete()', async () => {
    standIn.script.completes = false;
    const taskId = await createTask();
    await standIn.webhooksSettled(taskId);
    expect(received).toHaveLength(0);
    standIn.complete(taskId);
    await standIn.webhooksSettled(taskId);
    expect(kinds()).toEqual(SEVEN);
  });

  it('writes the accepted answer only after onAccept finished', async () => {
    let answered = false;
    let answeredDuringHook: boolean | undefined;
    let taskKnownDuringHook = false;
    standIn.script.onAccept = async (task) => {
      taskKnownDuringHook = standIn.tasks.has(task.taskId);
      // A full HTTP round trip inside the hook: long enough for an early answer to arrive.
      const res = await fetch(
        `${standIn.url}/v1/byId?conversionType=MUSIC_AI&task_id=${task.taskId}`,
        {
          headers: { authorization: standIn.apiKey },
        },
      );
      await res.arrayBuffer();
      answeredDuringHook = answered;
    };
    const taskId = await createTask().then((id) => {
      answered = true;
      return id;
    });
    expect(taskKnownDuringHook).toBe(true);
    expect(answeredDuringHook).toBe(false);
    await standIn.webhooksSettled(taskId);
  });

  it('answers 429 past the parallel task limit', async () => {
    standIn.script.completes = false;
    standIn.script.parallelTaskLimit = 2;
    await createTask();
    await createTask();
    const res = await submit({ prompt: 'third', webhook_url: webhookUrl });
    expect(res.status).toBe(429);
    expect(await res.json()).toMatchObject({ success: false, error_code: 'TOO_MANY_REQUESTS' });
    expect(res.headers.get('retry-after')).toBe('1');
    expect(standIn.accepted).toBe(2);
    expect(standIn.attempts).toBe(3);
  });
});

describe('MusicGPT stand-in API', () => {
  it('refuses calls without the key', async () => {
    const res = await fetch(`${standIn.url}/v2/MusicAI`, {
      method: 'POST',
      headers: { authorization: `Bearer ${standIn.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ prompt: 'x' }),
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ success: false, error_code: 'UNAUTHORIZED_ACCESS' });
    const poll = await fetch(`${standIn.url}/v1/byId?conversionType=MUSIC_AI&task_id=x`);
    expect(poll.status).toBe(401);
    expect(standIn.accepted).toBe(0);
    expect(standIn.attempts).toBe(1);
  });

  it('serves only V2’s submit: V1’s MusicAI path is gone', async () => {
    const res = await submit({ prompt: 'x' }, '/v1/MusicAI');
    expect(res.status).toBe(404);
    expect(standIn.attempts).toBe(0);
  });

  it('answers V2’s fields, and 422 UNPROCESSABLE_CONTENT for a model outside the enum', async () => {
    const ok = await submit({ prompt: 'x', model: 'v7-pro' });
    expect(await ok.json()).toMatchObject({
      success: true,
      message: 'Message published to queue',
      eta: 154,
      is_flagged: false,
      reason: '',
      credit_estimate: 0.06,
    });
    const bad = await submit({ prompt: 'x', model: 'v8' });
    expect(bad.status).toBe(422);
    expect(await bad.json()).toMatchObject({ success: false, error_code: 'UNPROCESSABLE_CONTENT' });
    standIn.script.outOfFunds = true;
    const broke = await submit({ prompt: 'x' });
    expect(broke.status).toBe(402);
    expect(await broke.json()).toMatchObject({ error_code: 'INSUFFICIENT_CREDITS' });
  });

  it('finds a task by conversion id too, and rejects asking by both ids', async () => {
    const taskId = await createTask();
    const task = standIn.tasks.get(taskId)!;
    const headers = { authorization: standIn.apiKey };
    const byConversion = await fetch(
      `${standIn.url}/v1/byId?conversionType=MUSIC_AI&conversion_id=${task.conversionIds[1]}`,
      { headers },
    );
    expect(
      ((await byConversion.json()) as { conversion: { task_id: string } }).conversion.task_id,
    ).toBe(taskId);
    const both = await fetch(
      `${standIn.url}/v1/byId?conversionType=MUSIC_AI&task_id=${taskId}&conversion_id=${task.conversionIds[0]}`,
      { headers },
    );
    expect(both.status).toBe(400);
    await standIn.webhooksSettled(taskId);
  });
});

describe('MusicGPT stand-in files', () => {
  it('serves a valid MP3 of a few seconds', async () => {
    const res = await fetch(`${standIn.origin}/files/any-conversion.mp3`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('audio/mpeg');
    expect(res.headers.get('accept-ranges')).toBe('bytes');
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect(Number(res.headers.get('content-length'))).toBe(bytes.length);

    const decoder = new MPEGDecoder();
    await decoder.ready;
    try {
      const decoded = decoder.decode(bytes);
      expect(decoded.errors).toHaveLength(0);
      expect(decoded.sampleRate).toBe(22_050);
      const seconds = decoded.samplesDecoded / decoded.sampleRate;
      expect(seconds).toBeGreaterThan(standIn.mp3DurationSec - 0.2);
      expect(seconds).toBeLessThan(standIn.mp3DurationSec + 0.2);
      // Not silence: the tone is audible.
      const peak = decoded.channelData[0]!.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      expect(peak).toBeGreaterThan(0.1);
    } finally {
      decoder.free();
    }
  });

  it('answers Range requests with 206 and the exact bytes', async () => {
    const size = standIn.mp3.length;
    const part = await fetch(`${standIn.origin}/files/a.mp3`, {
      headers: { range: 'bytes=100-199' },
    });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 100-199/${size}`);
    expect(Buffer.from(await part.arrayBuffer()).equals(standIn.mp3.subarray(100, 200))).toBe(true);

    const tail = await fetch(`${standIn.origin}/files/a.mp3`, { headers: { range: 'bytes=-50' } });
    expect(tail.status).toBe(206);
    expect(Buffer.from(await tail.arrayBuffer()).equals(standIn.mp3.subarray(size - 50))).toBe(
      true,
    );

    const open = await fetch(`${standIn.origin}/files/a.mp3`, {
      headers: { range: `bytes=${size - 10}-` },
    });
    expect(open.status).toBe(206);
    expect((await open.arrayBuffer()).byteLength).toBe(10);

    const beyond = await fetch(`${standIn.origin}/files/a.mp3`, {
      headers: { range: `bytes=${size}-` },
    });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get('content-range')).toBe(`bytes */${size}`);
    await beyond.arrayBuffer();
  });

  it('serves a WAV take and a PNG cover', async () => {
    const wav = await fetch(`${standIn.origin}/files/c.wav`);
    expect(wav.headers.get('content-type')).toBe('audio/wav');
    const head = Buffer.from(await wav.arrayBuffer())
      .subarray(0, 12)
      .toString('latin1');
    expect(head.startsWith('RIFF') && head.endsWith('WAVE')).toBe(true);
    const png = await fetch(`${standIn.origin}/files/t.png`);
    expect(png.headers.get('content-type')).toBe('image/png');
    expect(
      Buffer.from(await png.arrayBuffer())
        .subarray(1, 4)
        .toString('latin1'),
    ).toBe('PNG');
  });
});
