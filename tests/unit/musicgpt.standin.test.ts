import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MPEGDecoder } from 'mpg123-decoder';
import { parseMusicGptWebhook } from '../../server/providers/musicgpt-webhook.ts';
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

async function createTask(body: Record<string, unknown> = {}): Promise<string> {
  const res = await fetch(`${standIn.url}/MusicAI`, {
    method: 'POST',
    headers: { authorization: standIn.apiKey, 'content-type': 'application/json' },
    body: JSON.stringify({
      prompt: 'A test song',
      lyrics: 'la\nla',
      webhook_url: webhookUrl,
      ...body,
    }),
  });
  const json = (await res.json()) as { success: boolean; task_id: string };
  expect(res.status).toBe(200);
  expect(json.success).toBe(true);
  return json.task_id;
}

function kinds(): string[] {
  return received.map((b) => parseMusicGptWebhook(b).kind);
}

describe('MusicGPT stand-in webhooks', () => {
  it.each<[WebhookOrder, string[]]>([
    ['in-order', ['music', 'music', 'lyrics', 'lyrics', 'cover']],
    ['reversed', ['cover', 'lyrics', 'lyrics', 'music', 'music']],
    ['lyrics-first', ['lyrics', 'lyrics', 'music', 'music', 'cover']],
    ['cover-first', ['cover', 'music', 'music', 'lyrics', 'lyrics']],
    [
      'duplicated',
      [
        'music',
        'music',
        'music',
        'music',
        'lyrics',
        'lyrics',
        'lyrics',
        'lyrics',
        'cover',
        'cover',
      ],
    ],
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
    expect(kinds()).toEqual(['music', 'music', 'cover']);
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
    expect(kinds()).toEqual(['music', 'music', 'music', 'music', 'lyrics', 'lyrics', 'cover']);
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
    expect(standIn.deliveries).toHaveLength(3 * 4);
    expect(standIn.deliveries.every((d) => d.status === 0 && d.error)).toBe(true);
    expect(Math.max(...standIn.deliveries.map((d) => d.attempt))).toBe(4);
  });

  it('replays every webhook of a task on deliverAgain', async () => {
    const taskId = await createTask();
    await standIn.webhooksSettled(taskId);
    await standIn.deliverAgain(taskId);
    expect(kinds()).toEqual([
      'music',
      'music',
      'lyrics',
      'lyrics',
      'cover',
      'music',
      'music',
      'lyrics',
      'lyrics',
      'cover',
    ]);
    expect(received.slice(0, 5)).toEqual(received.slice(5));
  });

  it('sends nothing while a task is unfinished, then delivers on complete()', async () => {
    standIn.script.completes = false;
    const taskId = await createTask();
    await standIn.webhooksSettled(taskId);
    expect(received).toHaveLength(0);
    standIn.complete(taskId);
    await standIn.webhooksSettled(taskId);
    expect(kinds()).toEqual(['music', 'music', 'lyrics', 'lyrics', 'cover']);
  });

  it('writes the accepted answer only after onAccept finished', async () => {
    let answered = false;
    let answeredDuringHook: boolean | undefined;
    let taskKnownDuringHook = false;
    standIn.script.onAccept = async (task) => {
      taskKnownDuringHook = standIn.tasks.has(task.taskId);
      // A full HTTP round trip inside the hook: long enough for an early answer to arrive.
      const res = await fetch(
        `${standIn.url}/byId?conversionType=MUSIC_AI&task_id=${task.taskId}`,
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
    const res = await fetch(`${standIn.url}/MusicAI`, {
      method: 'POST',
      headers: { authorization: standIn.apiKey, 'content-type': 'application/json' },
      body: JSON.stringify({ prompt: 'third', webhook_url: webhookUrl }),
    });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(standIn.accepted).toBe(2);
    expect(standIn.attempts).toBe(3);
  });
});

describe('MusicGPT stand-in API', () => {
  it('refuses calls without the key', async () => {
    const res = await fetch(`${standIn.url}/MusicAI`, {
      method: 'POST',
      headers: { authorization: `Bearer ${standIn.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ prompt: 'x' }),
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ success: false });
    const poll = await fetch(`${standIn.url}/byId?conversionType=MUSIC_AI&task_id=x`);
    expect(poll.status).toBe(401);
    expect(standIn.accepted).toBe(0);
    expect(standIn.attempts).toBe(1);
  });

  it('finds a task by conversion id too, and rejects asking by both ids', async () => {
    const taskId = await createTask();
    const task = standIn.tasks.get(taskId)!;
    const headers = { authorization: standIn.apiKey };
    const byConversion = await fetch(
      `${standIn.url}/byId?conversionType=MUSIC_AI&conversion_id=${task.conversionIds[1]}`,
      { headers },
    );
    expect(
      ((await byConversion.json()) as { conversion: { task_id: string } }).conversion.task_id,
    ).toBe(taskId);
    const both = await fetch(
      `${standIn.url}/byId?conversionType=MUSIC_AI&task_id=${taskId}&conversion_id=${task.conversionIds[0]}`,
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
