import { describe, expect, it } from 'vitest';
import { parseMusicGptWebhook } from '../../server/providers/musicgpt/webhook.ts';
import { musicGptProvider } from '../../server/providers/musicgpt/client.ts';

// Webhook bodies and byId answers are written by whoever holds the webhook URL or answers for
// MusicGPT: a link in them is never a path into this server's storage.

const OTHER_SLOT = '2b1c8a52-55a4-4a43-9b51-3f5b4ad2b3c1';
const MUSIC = {
  success: true,
  subtype: 'music_ai',
  task_id: 'task-1',
  conversion_id: 'conv-1',
  conversion_path: 'https://lalals.s3.amazonaws.com/conversions/conv-1.mp3',
  title: 'Lisbon Nights',
  lyrics: '[Verse 1]\nWe met in Lisbon',
};

describe('parseMusicGptWebhook refuses links that are not http(s)', () => {
  it.each([
    ['another slot’s engine file', { conversion_path: `local:${OTHER_SLOT}/local-1.mp3` }],
    ['a path that climbs out', { conversion_path: 'local:../../pg-password' }],
    ['a file URL', { conversion_path: 'file:///etc/passwd' }],
    ['a data URL', { conversion_path: 'data:audio/mpeg;base64,SUQz' }],
    ['a bare path', { conversion_path: '/var/lib/refrain/audio/x.mp3' }],
    ['a WAV link to a file', { conversion_path_wav: 'file:///etc/shadow' }],
    ['the generic audio_url', { conversion_path: undefined, audio_url: 'local:x/local-1.mp3' }],
    ['the task’s cover named in a music delivery', { album_cover_path: 'file:///etc/passwd' }],
  ])('in a music delivery: %s', (_name, fields) => {
    const parsed = parseMusicGptWebhook({ ...MUSIC, ...fields });
    expect(parsed.kind).toBe('refused');
    expect(parsed).toMatchObject({ reason: expect.stringMatching(/must be an http\(s\) link/) });
  });

  it('in a cover delivery', () => {
    const cover = { subtype: 'album_cover_generation', task_id: 't', image_path: 'local:x/cover' };
    expect(parseMusicGptWebhook(cover)).toEqual({
      kind: 'refused',
      reason: 'image_path must be an http(s) link',
    });
  });

  it('still reads the same delivery with an https link', () => {
    expect(parseMusicGptWebhook(MUSIC)).toMatchObject({
      kind: 'music',
      audioUrl: MUSIC.conversion_path,
    });
  });
});

describe('musicGptProvider.poll keeps only http(s) links', () => {
  it('drops local:, file: and other links from a byId answer but keeps the rest of the take', async () => {
    const answer = {
      success: true,
      conversion: {
        status: 'COMPLETED',
        conversion_id_1: 'c1',
        conversion_id_2: 'c2',
        conversion_path_1: `local:${OTHER_SLOT}/local-1.mp3`,
        conversion_path_wav_1: 'file:///etc/passwd',
        conversion_path_2: 'https://cdn.example.com/c2.mp3',
        title_1: 'One',
        album_cover_path: 'local:x/cover',
      },
    };
    const provider = musicGptProvider({
      apiKey: 'k',
      apiUrl: 'https://api.example.com/v1',
      fetch: async () => new Response(JSON.stringify(answer), { status: 200 }),
    });
    const done = await provider.poll('t');
    expect(done).toEqual({
      kind: 'completed',
      takes: [
        { conversionId: 'c1', title: 'One' },
        { conversionId: 'c2', audioUrl: 'https://cdn.example.com/c2.mp3' },
      ],
      raw: answer,
    });
  });
});
