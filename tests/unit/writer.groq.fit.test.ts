import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanBrief } from '../../server/writer/brief.ts';
import { misfit } from '../../server/writer/fit.ts';
import { GroqWriter, SYSTEM_PROMPT } from '../../server/writer/groq.ts';
import { writeLocal } from '../../server/writer/local.ts';
import { presetsFor } from '../../server/writer/presets.ts';
import type { WriterInput } from '../../server/writer/types.ts';
import { SAMPLE_SONG, startGroqStandIn, type GroqStandIn } from '../standins/groq.ts';

// Groq's draft is held to the rules the built-in writer follows: love-song words only for a
// partner, the recipient named, the story sung to "you". A draft that breaks them falls back.

let groq: GroqStandIn;
beforeAll(async () => {
  groq = await startGroqStandIn();
});
afterAll(async () => {
  await groq.close();
});

const sister = {
  recipient: 'Lily',
  relationship: 'my little sister',
  occasion: 'birthday',
  story:
    'She taught me to ride a bike in 1998 and we laughed when I fell. She bakes her famous lemon cake every Sunday.',
  genre: 'pop',
  mood: '',
  vocals: 'female' as const,
  language: 'English',
};

const input = (song = sister, card = 0): WriterInput => ({
  song,
  form: { songCount: 1 },
  preset: presetsFor(song)[card]!,
  songIndex: 0,
});

const song = (lines: string[]) => ({
  title: 'Partners in Crime, Lily',
  musicPrompt: 'Upbeat pop singalong, 118 BPM. Handclaps, bright guitar. Female lead vocal.',
  musicStyle: 'pop, upbeat singalong',
  lyrics: [
    '[Verse 1]',
    ...lines,
    '',
    '[Chorus]',
    "Lily, you're my partner in crime",
    'All the time',
  ].join('\n'),
});

const writer = () => new GroqWriter({ apiKey: 'k', baseURL: groq.url, maxRetries: 0 });

describe('groq drafts are checked against who the song is for', () => {
  it('keeps a draft that fits: a sister sung as a sister, to "you", by name', async () => {
    const fitting = song(['You taught me to ride a bike in 1998', 'We laughed when I fell, Lily']);
    groq.script([{ kind: 'ok', content: fitting }]);
    const result = await writer().write(input());
    expect(result.fellBack).toBeUndefined();
    expect(result.writer).toBe('groq');
  });

  it('falls back when a song for a sister uses love-song words', async () => {
    groq.script([{ kind: 'ok', content: song(['I fell for you so easily', 'Lily, my darling']) }]);
    const result = await writer().write(input());
    expect(result.writer).toBe('local');
    expect(result.fellBack?.reason).toMatch(
      /love-song wording \("fell for you"\) in a song for a sibling/,
    );
    expect(result.output).toEqual(writeLocal(input()));
  });

  it('lets a partner have a love song', async () => {
    const wife = { ...sister, recipient: 'Maria', relationship: 'wife', occasion: 'anniversary' };
    groq.script([{ kind: 'ok', content: SAMPLE_SONG }]);
    const result = await writer().write(input(wife));
    expect(result.fellBack).toBeUndefined();
    expect(
      misfit({ ...SAMPLE_SONG, lyrics: `${SAMPLE_SONG.lyrics}\nIn your arms` }, cleanBrief(wife)),
    ).toBeNull();
  });

  it('falls back when the lyrics never name the recipient', async () => {
    const nameless = {
      ...song(['You taught me to ride a bike', 'We laughed when I fell']),
      lyrics: '[Verse 1]\nYou taught me to ride a bike\n\n[Chorus]\nHappy birthday to you',
    };
    groq.script([{ kind: 'ok', content: nameless }]);
    const result = await writer().write(input());
    expect(result.fellBack?.reason).toMatch(/never name the recipient/);
    expect(result.fellBack?.reason).not.toContain('Lily');
  });

  it('falls back when the recipient is sung about in the third person', async () => {
    groq.script([
      { kind: 'ok', content: song(['She always makes me laugh', 'My sister never gives up']) },
    ]);
    const result = await writer().write(input());
    expect(result.fellBack?.reason).toMatch(/third person/);
  });

  it('falls back when a story sentence is pasted as it was written', async () => {
    groq.script([
      { kind: 'ok', content: song(['Oh Lily, bakes her famous lemon cake every Sunday', 'Yeah']) },
    ]);
    const result = await writer().write(input());
    expect(result.fellBack?.reason).toMatch(/paste the story untransformed/);
  });

  it('tells Groq the rules and who the song is for, with the story already turned', async () => {
    groq.script([
      { kind: 'ok', content: song(['You taught me to ride a bike', 'Lily, we laughed']) },
    ]);
    await writer().write(input(sister, 1));
    const body = groq.calls[0]!.body as { messages: { role: string; content: string }[] };
    const data = JSON.parse(/<brief>\n(.*)\n<\/brief>/s.exec(body.messages[1]!.content)![1]!);
    expect(data.relation).toBe('sibling');
    expect(data.isMemorial).toBe(false);
    expect(data.wordsToAvoid).toContain('fell for you');
    expect(data.occasionName).toBe('Birthday');
    expect(data.storyLines).toContain('you taught me to ride a bike in 1998');
    expect(data.variation.index).toBe(2);
    expect(data.variation.angle).toBeTruthy();
    for (const rule of [
      /only in a song for a\s+partner/,
      /never about them as she, he or they/,
      /name in the chorus/,
      /its own title/,
    ])
      expect(SYSTEM_PROMPT).toMatch(rule);
  });

  it('holds the built-in writer to the same checks', () => {
    for (const relationship of ['my little sister', 'grandma', 'my dog Rex', 'my boss', 'dad']) {
      const brief = { ...sister, relationship };
      for (let card = 0; card < 3; card++)
        expect(misfit(writeLocal(input(brief, card)), cleanBrief(brief)), relationship).toBeNull();
    }
  });
});
