import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseMusicGptWebhook } from '../../server/providers/musicgpt/webhook.ts';
import { musicGptProvider } from '../../server/providers/musicgpt/client.ts';
import type { SubmitRequest } from '../../server/providers/types.ts';
import { startMusicGptStandIn, type MusicGptStandIn } from '../standins/musicgpt.ts';

// MusicGPT's own Music AI V2 webhook samples (docs/providers.md, "Webhooks"), links shortened.
const TIMED =
  '[{"start": 9880, "end": 35120, "text": "[Verse]", "index": 0}, {"start": 9880, "end": 10720, "text": "Turn up the sound", "index": 1}]';
const MUSIC = {
  success: true,
  conversion_type: 'Music AI',
  task_id: 'c287cca4-c03a-5074-b16a-b8da9d6a124c',
  conversion_id: '8725079f-bf68-5098-a6c8-6dcba44dcaa2',
  conversion_path: 'https://cdn1.musicgpt.com/conversions/api/standard/8725079f/8725079f.mp3',
  conversion_path_wav: 'https://cdn1.musicgpt.com/conversions/api/hq/8725079f/8725079f.wav',
  conversion_duration: 155.95,
  is_flagged: false,
  reason: '',
  lyrics: '[Verse]\nTurn up the sound\nLet the rhythm take control',
  lyrics_timestamped: TIMED,
  title: 'Rhythm Take Control',
  album_cover_path: 'https://cdn1.musicgpt.com/img-gen-pipeline/api/c287cca4.jpg',
  subtype: 'music_ai',
};
const LYRICS = {
  success: true,
  conversion_type: 'Music AI',
  task_id: MUSIC.task_id,
  conversion_id: '1630df93-ca03-41b7-b3a9-27ef418d9630',
  subtype: 'lyrics_timestamped',
  lyrics_timestamped: TIMED,
};
const STREAMING = {
  success: true,
  conversion_type: 'Music AI',
  subtype: 'audio_streaming',
  task_id: MUSIC.task_id,
  conversion_id: MUSIC.conversion_id,
  streaming_url: 'https://cdn1.musicgpt.com/streams/22e4efb8/index.m3u8',
};
const COVER = {
  success: true,
  conversion_type: 'Music AI',
  task_id: MUSIC.task_id,
  image_paths: ['https://cdn1.musicgpt.com/img-gen-pipeline/api/5254c422.jpg'],
  thumbnail_paths: ['https://cdn1.musicgpt.com/img-gen-pipeline/api/5254c422_thumb.jpg'],
  image_path: 'https://cdn1.musicgpt.com/img-gen-pipeline/api/5254c422.jpg',
  thumbnail_path: 'https://cdn1.musicgpt.com/img-gen-pipeline/api/5254c422_thumb.jpg',
  conversion_id_1: MUSIC.conversion_id,
  conversion_id_2: LYRICS.conversion_id,
  album_cover_generator_output: true,
  subtype: 'album_cover_generation',
};
// The webhook page's generic "typical webhook payload": no subtype, no conversion id.
const DOCS_SAMPLE = {
  task_id: '12345678-abcd-1234-efgh-567890abcdef',
  status: 'COMPLETED',
  status_msg: 'Conversion successful',
  conversion_type: 'MUSIC_AI',
  audio_url: 'https://musicgpt.s3.amazonaws.com/audiofile.mp3',
  title: 'Generated Song',
  conversion_cost: 1.25,
  createdAt: '2025-01-01T12:00:00Z',
  updatedAt: '2025-01-01T12:05:00Z',
};
const DECODED = [
  { start: 9880, end: 35120, text: '[Verse]', index: 0 },
  { start: 9880, end: 10720, text: 'Turn up the sound', index: 1 },
];

describe('parseMusicGptWebhook', () => {
  it('reads a music webhook, with the task’s cover and the take’s timed lyrics', () => {
    expect(parseMusicGptWebhook(MUSIC)).toEqual({
      kind: 'music',
      taskId: MUSIC.task_id,
      conversionId: MUSIC.conversion_id,
      audioUrl: MUSIC.conversion_path,
      wavUrl: MUSIC.conversion_path_wav,
      durationSec: 155.95,
      title: 'Rhythm Take Control',
      lyrics: MUSIC.lyrics,
      lyricsTimestamped: DECODED,
      coverUrl: MUSIC.album_cover_path,
      isFlagged: false,
    });
    expect(
      parseMusicGptWebhook({ ...MUSIC, is_flagged: true, reason: 'names an artist' }),
    ).toMatchObject({
      kind: 'music',
      isFlagged: true,
      flagReason: 'names an artist',
    });
  });

  it.each([
    ['as sent', STREAMING],
    ['without its subtype (by its shape)', { ...STREAMING, subtype: undefined }],
    ['with an audio link beside it', { ...STREAMING, conversion_path: STREAMING.streaming_url }],
  ])('reads a streaming webhook %s as a stream, never as a take’s audio', (_name, body) => {
    expect(parseMusicGptWebhook(body)).toEqual({
      kind: 'streaming',
      taskId: MUSIC.task_id,
      conversionId: MUSIC.conversion_id,
      streamUrl: STREAMING.streaming_url,
    });
  });

  it.each(['file:///etc/passwd', 'javascript:alert(1)', 'ftp://cdn1.musicgpt.com/a.m3u8'])(
    'refuses a streaming webhook whose playlist link is %s',
    (link) => {
      expect(parseMusicGptWebhook({ ...STREAMING, streaming_url: link })).toEqual({
        kind: 'refused',
        reason: 'streaming_url must be an http(s) link',
      });
    },
  );

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
      lyricsTimestamped: DECODED,
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

  it('reads an album cover webhook, from image_path, else image_paths[0], else the thumbnail', () => {
    expect(parseMusicGptWebhook(COVER)).toEqual({
      kind: 'cover',
      taskId: MUSIC.task_id,
      imageUrl: COVER.image_path,
    });
    const { image_path: _path, ...listsOnly } = COVER;
    expect(parseMusicGptWebhook(listsOnly)).toMatchObject({
      kind: 'cover',
      imageUrl: COVER.image_paths[0],
    });
    const { subtype: _subtype, ...bareLists } = listsOnly;
    expect(parseMusicGptWebhook(bareLists)).toMatchObject({
      kind: 'cover',
      imageUrl: COVER.image_paths[0],
    });
    expect(
      parseMusicGptWebhook({ ...listsOnly, image_paths: [], thumbnail_path: undefined }),
    ).toMatchObject({ kind: 'cover', imageUrl: COVER.thumbnail_paths[0] });
  });

  it('refuses a cover whose image_paths[0] is not an http(s) link', () => {
    const { image_path: _path, ...listsOnly } = COVER;
    expect(parseMusicGptWebhook({ ...listsOnly, image_paths: ['file:///etc/passwd'] })).toEqual({
      kind: 'refused',
      reason: 'image_paths must be an http(s) link',
    });
  });

  it('reads a raw JSON string body', () => {
    expect(parseMusicGptWebhook(JSON.stringify(COVER)).kind).toBe('cover');
    expect(parseMusicGptWebhook(new TextEncoder().encode(JSON.stringify(MUSIC))).kind).toBe(
      'music',
    );
  });

  it('asks to confirm the docs’ generic sample by byId, and reads its `audio_url` when a conversion id comes too', () => {
    // Without a conversion id the take cannot be placed: the caller polls instead.
    expect(parseMusicGptWebhook(DOCS_SAMPLE)).toEqual({
      kind: 'confirm',
      taskId: DOCS_SAMPLE.task_id,
      why: expect.any(String),
    });
    expect(parseMusicGptWebhook({ ...DOCS_SAMPLE, conversion_id: 'c1' })).toMatchObject({
      kind: 'music',
      conversionId: 'c1',
      audioUrl: DOCS_SAMPLE.audio_url,
    });
  });

  it.each([
    ['a cover without an image', { subtype: 'album_cover_generation', task_id: 't' }],
    ['music without conversion_id', { task_id: 't', conversion_path: 'https://x/a.mp3' }],
    ['music without its audio', { ...MUSIC, task_id: 't', conversion_path: '' }],
    ['a failure report', { ...MUSIC, task_id: 't', success: false, status_msg: 'failed' }],
    ['a FAILED status', { task_id: 't', conversion_id: 'c', status: 'FAILED', lyrics: 'x' }],
    ['an empty conversion_path', { task_id: 't', conversion_id: 'c', conversion_path: '' }],
    ['a subtype of no known shape', { task_id: 't', subtype: 'remix', sound: 'x' }],
  ])('asks to confirm %s by byId', (_name, body) => {
    expect(parseMusicGptWebhook(body)).toEqual({
      kind: 'confirm',
      taskId: 't',
      why: expect.any(String),
    });
  });

  it.each([
    ['null', null],
    ['a number', 42],
    ['an array', [MUSIC]],
    ['text that is not JSON', 'hello'],
    ['an empty object', {}],
    ['unrelated fields', { event: 'ping', id: 7 }],
    ['a cover that names no task and has no image', { subtype: 'album_cover_generation' }],
    ['music that names no task or take', { conversion_path: 'https://x/a.mp3' }],
    ['a failure report naming no task', { success: false, status_msg: 'failed' }],
    ['lyrics that name no task or take', { lyrics: 'orphan' }],
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

  it('turns every delivery of a task into music, lyrics, streams and cover for the right takes', async () => {
    const provider = musicGptProvider({ apiKey: standIn.apiKey, apiUrl: standIn.url });
    const submitted = await provider.submit(req());
    if (submitted.kind !== 'accepted') throw new Error('expected accepted');
    await standIn.webhooksSettled(submitted.taskId);

    const parsed = received.map(parseMusicGptWebhook);
    expect(parsed.map((p) => p.kind)).toEqual([
      'music',
      'music',
      'lyrics',
      'lyrics',
      'streaming',
      'streaming',
      'cover',
    ]);
    const music = parsed.filter((p) => p.kind === 'music');
    expect(music.map((m) => m.conversionId)).toEqual(submitted.conversionIds);
    for (const m of music) {
      expect(m.taskId).toBe(submitted.taskId);
      expect(m.audioUrl).toBe(`${standIn.origin}/files/${m.conversionId}.mp3`);
      expect(m.durationSec).toBe(standIn.mp3DurationSec);
      expect(m.lyrics).toBe(req().lyrics);
      expect(m.coverUrl).toBe(`${standIn.origin}/files/${submitted.taskId}.png`);
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
    const streams = parsed.filter((p) => p.kind === 'streaming');
    expect(streams.map((x) => x.conversionId)).toEqual(submitted.conversionIds);
    expect(parsed[6]).toEqual({
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
