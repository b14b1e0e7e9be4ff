import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseMusicGptWebhook } from '../../server/providers/musicgpt-webhook.ts';
import { musicGptProvider } from '../../server/providers/musicgpt.ts';
import type { SubmitRequest } from '../../server/providers/types.ts';
import { startMusicGptStandIn, type MusicGptStandIn } from '../standins/musicgpt.ts';

// Payloads shaped like the ones third-party handlers log (see docs/providers.md).
const MUSIC = {
  success: true,
  subtype: 'music_ai',
  task_id: '4fc2cdba-005d-4d14-a208-5fb02a2809da',
  conversion_id: '05092d5c-f8b1-4c96-a4a3-45bc00de6268',
  conversion_path: 'https://lalals.s3.amazonaws.com/conversions/05092d5c.mp3',
  conversion_path_wav: 'https://lalals.s3.amazonaws.com/conversions/05092d5c.wav',
  conversion_duration: 163.84,
  title: 'Lisbon Nights',
  lyrics: '[Verse 1]\nWe met in Lisbon',
  album_cover_path: 'https://lalals.s3.amazonaws.com/covers/x.png',
};
const LYRICS = {
  subtype: 'lyrics_timestamped',
  task_id: MUSIC.task_id,
  conversion_id: '1630df93-ca03-41b7-b3a9-27ef418d9630',
  lyrics_timestamped:
    '[{"index": 0, "text": "[Verse 1]", "start": 8173, "end": 8173}, {"index": 1, "text": "Snow falls soft", "start": 8173, "end": 12631}]',
};
const COVER = {
  success: true,
  subtype: 'album_cover_generation',
  task_id: MUSIC.task_id,
  conversion_id_1: MUSIC.conversion_id,
  conversion_id_2: LYRICS.conversion_id,
  image_path: 'https://lalals.s3.amazonaws.com/covers/cover.png',
};

describe('parseMusicGptWebhook', () => {
  it('reads a music webhook', () => {
    expect(parseMusicGptWebhook(MUSIC)).toEqual({
      kind: 'music',
      taskId: MUSIC.task_id,
      conversionId: MUSIC.conversion_id,
      audioUrl: MUSIC.conversion_path,
      wavUrl: MUSIC.conversion_path_wav,
      durationSec: 163.84,
      title: 'Lisbon Nights',
      lyrics: MUSIC.lyrics,
    });
  });

  it('accepts numbers sent as strings and ids sent as numbers', () => {
    const parsed = parseMusicGptWebhook({ ...MUSIC, conversion_duration: ' 98.5 ', task_id: 123 });
    expect(parsed).toMatchObject({ kind: 'music', durationSec: 98.5, taskId: '123' });
  });

  it('drops a duration it cannot read instead of rejecting the take', () => {
    const parsed = parseMusicGptWebhook({ ...MUSIC, conversion_duration: 'about three minutes' });
    expect(parsed.kind).toBe('music');
    expect('durationSec' in parsed).toBe(false);
  });

  it('reads a lyrics webhook and decodes the timestamped lyrics', () => {
    expect(parseMusicGptWebhook(LYRICS)).toEqual({
      kind: 'lyrics',
      taskId: MUSIC.task_id,
      conversionId: LYRICS.conversion_id,
      lyricsTimestamped: [
        { index: 0, text: '[Verse 1]', start: 8173, end: 8173 },
        { index: 1, text: 'Snow falls soft', start: 8173, end: 12631 },
      ],
    });
  });

  it('reads a lyrics webhook with plain lyrics and no subtype', () => {
    expect(parseMusicGptWebhook({ task_id: 't', conversion_id: 'c', lyrics: 'la la' })).toEqual({
      kind: 'lyrics',
      taskId: 't',
      conversionId: 'c',
      lyrics: 'la la',
    });
  });

  it('reads an album cover webhook', () => {
    expect(parseMusicGptWebhook(COVER)).toEqual({
      kind: 'cover',
      taskId: MUSIC.task_id,
      imageUrl: COVER.image_path,
    });
  });

  it('reads a raw JSON string body', () => {
    expect(parseMusicGptWebhook(JSON.stringify(COVER)).kind).toBe('cover');
    expect(parseMusicGptWebhook(new TextEncoder().encode(JSON.stringify(MUSIC))).kind).toBe(
      'music',
    );
  });

  it('takes the docs’ generic `audio_url` as the audio link when a conversion id is present', () => {
    const docsSample = {
      task_id: '12345678-abcd-1234-efgh-567890abcdef',
      status: 'COMPLETED',
      conversion_type: 'MUSIC_AI',
      audio_url: 'https://musicgpt.s3.amazonaws.com/audiofile.mp3',
      title: 'Generated Song',
      conversion_cost: 1.25,
    };
    // Without a conversion id the take cannot be placed: the caller polls instead.
    expect(parseMusicGptWebhook(docsSample)).toEqual({ kind: 'unknown' });
    expect(parseMusicGptWebhook({ ...docsSample, conversion_id: 'c1' })).toMatchObject({
      kind: 'music',
      conversionId: 'c1',
      audioUrl: docsSample.audio_url,
    });
  });

  it.each([
    ['null', null],
    ['a number', 42],
    ['an array', [MUSIC]],
    ['text that is not JSON', 'hello'],
    ['an empty object', {}],
    ['unrelated fields', { event: 'ping', id: 7 }],
    ['a cover without image_path', { subtype: 'album_cover_generation', task_id: 't' }],
    ['music without conversion_id', { task_id: 't', conversion_path: 'https://x/a.mp3' }],
    ['a failure report', { ...MUSIC, success: false, status_msg: 'failed' }],
    ['a FAILED status', { task_id: 't', conversion_id: 'c', status: 'FAILED', lyrics: 'x' }],
    ['lyrics that name no task or take', { lyrics: 'orphan' }],
    ['an empty conversion_path', { task_id: 't', conversion_id: 'c', conversion_path: '' }],
  ])('answers unknown for %s', (_name, body) => {
    expect(parseMusicGptWebhook(body)).toEqual({ kind: 'unknown' });
  });
});

describe('parseMusicGptWebhook on the stand-in’s real deliveries', () => {
  let standIn: MusicGptStandIn;
  let receiver: Server;
  let webhookUrl: string;
  const received: unknown[] = [];

  beforeAll(async () => {
    standIn = await startMusicGptStandIn();
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    webhookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/api/webhooks/musicgpt/slot-7?token=t`;
  });
  afterAll(async () => {
    await standIn.close();
    receiver.closeAllConnections();
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  });
  beforeEach(() => {
    standIn.reset();
    received.length = 0;
  });

  function req(overrides: Partial<SubmitRequest> = {}): SubmitRequest {
    return {
      slotId: 'slot-7',
      seed: 's',
      title: 'T',
      prompt: 'Warm folk song about a kitchen in Lisbon',
      musicStyle: 'folk',
      lyrics: '[Verse 1]\nLine one\nLine two\n\n[Chorus]\nLine three',
      vocals: 'female',
      mood: 'warm',
      occasion: 'birthday',
      preset: 'folk',
      webhookUrl,
      ...overrides,
    };
  }

  it('turns every delivery of a task into music, lyrics and cover for the right takes', async () => {
    const provider = musicGptProvider({ apiKey: standIn.apiKey, apiUrl: standIn.url });
    const submitted = await provider.submit(req());
    if (submitted.kind !== 'accepted') throw new Error('expected accepted');
    await standIn.webhooksSettled(submitted.taskId);

    const parsed = received.map(parseMusicGptWebhook);
    expect(parsed.map((p) => p.kind)).toEqual(['music', 'music', 'lyrics', 'lyrics', 'cover']);
    const music = parsed.filter((p) => p.kind === 'music');
    expect(music.map((m) => m.conversionId)).toEqual(submitted.conversionIds);
    for (const m of music) {
      expect(m.taskId).toBe(submitted.taskId);
      expect(m.audioUrl).toBe(`${standIn.origin}/files/${m.conversionId}.mp3`);
      expect(m.durationSec).toBe(standIn.mp3DurationSec);
      expect(m.lyrics).toBe(req().lyrics);
    }
    const lyrics = parsed.filter((p) => p.kind === 'lyrics');
    expect(lyrics.map((l) => l.conversionId)).toEqual(submitted.conversionIds);
    for (const l of lyrics) {
      expect(Array.isArray(l.lyricsTimestamped)).toBe(true);
      expect((l.lyricsTimestamped as Array<{ text: string }>).map((x) => x.text)).toEqual([
        '[Verse 1]',
        'Line one',
        'Line two',
        '[Chorus]',
        'Line three',
      ]);
    }
    expect(parsed[4]).toEqual({
      kind: 'cover',
      taskId: submitted.taskId,
      imageUrl: `${standIn.origin}/files/${submitted.taskId}.png`,
    });

    // Every music link the parser hands out really serves an MP3.
    const audio = await fetch((music[0] as { audioUrl: string }).audioUrl);
    expect(audio.status).toBe(200);
    expect(audio.headers.get('content-type')).toBe('audio/mpeg');
    expect(Buffer.from(await audio.arrayBuffer()).equals(standIn.mp3)).toBe(true);
  });
});
