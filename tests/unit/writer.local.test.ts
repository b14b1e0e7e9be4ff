import { describe, expect, it } from 'vitest';
import type { SongBrief } from '../../schema/draft.ts';
import { LocalWriter, writeLocal } from '../../server/writer/local.ts';
import { OCCASION_KINDS } from '../../server/writer/occasions.ts';
import { presetsFor, presetForSong } from '../../server/writer/presets.ts';
import { RHYMES, rhymeGroupOf } from '../../server/writer/rhymes.ts';
import { storyDetails } from '../../server/writer/story.ts';
import { lastWord } from '../../server/writer/text.ts';
import { PresetSchema, WriterOutputSchema, type WriterInput } from '../../server/writer/types.ts';

const SONG: SongBrief = {
  recipient: 'Maria',
  relationship: 'wife',
  occasion: '10th anniversary',
  story:
    "We met at Luigi's Pizzeria in Lisbon in 2014. She always sings off-key in the car, and she bakes " +
    'her famous lemon cake every Sunday. We danced in the kitchen at midnight when our daughter Sofia ' +
    'was born. Our old blue Vespa broke down on the way to Sintra.',
  genre: 'acoustic pop',
  mood: 'nostalgic',
  vocals: 'male',
  language: 'English',
};

const STORY_DETAILS = [
  "Luigi's Pizzeria",
  'Lisbon',
  '2014',
  'off-key',
  'lemon cake',
  'kitchen',
  'Sofia',
  'Vespa',
  'Sintra',
];

const input = (song: SongBrief = SONG, presetIndex = 0, songIndex = 0): WriterInput => ({
  song,
  form: { songCount: 3 },
  preset: presetsFor(song)[presetIndex]!,
  songIndex,
});

function sections(lyrics: string): { tag: string; lines: string[] }[] {
  return lyrics.split('\n\n').map((block) => {
    const [tag, ...lines] = block.split('\n');
    return { tag: tag!, lines };
  });
}

describe('local writer: quality', () => {
  it('names the recipient and sings concrete details from the story', () => {
    for (let p = 0; p < 3; p++) {
      const out = writeLocal(input(SONG, p));
      expect(out.lyrics).toContain('Maria');
      const sung = STORY_DETAILS.filter((d) => out.lyrics.includes(d));
      expect(sung.length, `preset ${p} sang ${sung.join(', ')}`).toBeGreaterThanOrEqual(3);
      expect(STORY_DETAILS.some((d) => out.musicPrompt.includes(d))).toBe(true);
    }
  });

  it('turns third-person story lines into lines sung to the recipient', () => {
    const details = storyDetails('She always sings off-key in the car. He watches the birds.', '');
    expect(details.you).toContain('you always sing off-key in the car');
    expect(details.you).toContain('you watch the birds');
    expect(storyDetails('Maria loves her garden roses.', 'Maria').you).toEqual([
      'you love your garden roses',
    ]);
  });

  it('rhymes every chorus line and every verse couplet', () => {
    for (const occasion of ['birthday', 'wedding', 'memorial', 'graduation', 'just because']) {
      for (let p = 0; p < 3; p++) {
        const out = writeLocal(input({ ...SONG, occasion }, p));
        for (const { tag, lines } of sections(out.lyrics)) {
          const groups = lines.map(rhymeGroupOf);
          expect(groups.every(Boolean), `${tag}: ${lines.join(' / ')}`).toBe(true);
          if (tag === '[Chorus]') {
            expect(new Set(groups).size, lines.join(' / ')).toBe(1);
          } else {
            for (let i = 0; i + 1 < groups.length; i += 2) expect(groups[i]).toBe(groups[i + 1]);
          }
        }
      }
    }
  });

  it('keeps the expected song form', () => {
    const tags = sections(writeLocal(input()).lyrics).map((s) => s.tag);
    expect(tags).toEqual([
      '[Verse 1]',
      '[Chorus]',
      '[Verse 2]',
      '[Chorus]',
      '[Bridge]',
      '[Chorus]',
    ]);
  });

  it('gives three different prompts and lyrics for the three presets', () => {
    const outs = [0, 1, 2].map((p) => writeLocal(input(SONG, p)));
    expect(new Set(outs.map((o) => o.musicPrompt)).size).toBe(3);
    expect(new Set(outs.map((o) => o.lyrics)).size).toBe(3);
    expect(new Set(outs.map((o) => o.musicStyle)).size).toBe(3);
  });

  it('is deterministic, and the song index varies songs that share a preset', async () => {
    const writer = new LocalWriter();
    const a = await writer.write(input());
    const b = await writer.write(structuredClone(input()));
    expect(b.output).toEqual(a.output);
    expect(a.writer).toBe('local');
    expect(a.fellBack).toBeUndefined();
    const fourth = writeLocal(input(SONG, 0, 3));
    expect(fourth.lyrics).not.toBe(a.output.lyrics);
  });

  it('writes a prompt that reads like a producer brief', () => {
    const out = writeLocal(input());
    expect(out.musicPrompt.length).toBeLessThanOrEqual(280);
    expect(out.musicPrompt).toMatch(/^Acoustic pop /);
    expect(out.musicPrompt).toMatch(/\d+ BPM/);
    expect(out.musicPrompt).toMatch(/Male lead vocal/);
    expect(out.musicPrompt).toMatch(/guitar|piano|strings/);
    expect(out.musicPrompt).toMatch(/nostalgic/);
  });

  it('names a non-English language without translating, and handles instrumentals', () => {
    const spanish = writeLocal(input({ ...SONG, language: 'es' }));
    expect(spanish.musicPrompt).toContain('Sung in Spanish.');
    expect(spanish.lyrics).toContain('[Verse 1]');
    const portuguese = writeLocal(input({ ...SONG, language: 'Portuguese' }));
    expect(portuguese.musicPrompt).toContain('Sung in Portuguese.');
    const english = writeLocal(input({ ...SONG, language: 'en-GB' }));
    expect(english.musicPrompt).not.toMatch(/Sung in/);
    const instrumental = writeLocal(input({ ...SONG, vocals: 'none', language: 'es' }));
    expect(instrumental.musicPrompt).toContain('Instrumental, no lead vocal.');
    expect(instrumental.musicPrompt).not.toMatch(/Sung in/);
  });

  it('still writes a personal song from an empty story and no name', () => {
    const out = writeLocal(input({ ...SONG, recipient: '', story: '', relationship: 'sister' }));
    expect(WriterOutputSchema.parse(out)).toEqual(out);
    expect(out.lyrics).toMatch(/my sister/i);
  });
});

describe('presets', () => {
  it('always returns exactly three valid presets with distinct ids', () => {
    for (const occasion of [
      'Birthday',
      'our wedding',
      'Anniversary',
      'graduation',
      'memorial',
      'just because',
      '',
      '🎉',
      'x'.repeat(500),
    ]) {
      const presets = presetsFor({ relationship: 'wife', occasion });
      expect(presets).toHaveLength(3);
      for (const p of presets) PresetSchema.parse(p);
      expect(new Set(presets.map((p) => p.id)).size).toBe(3);
    }
  });

  it('uses gentle wording for a memorial instead of party wording', () => {
    const memorial = presetsFor({ relationship: '', occasion: 'celebration of life for grandpa' });
    expect(memorial.map((p) => p.label)).toEqual([
      'Tender & reflective',
      'Gentle & hopeful',
      'Heartfelt & emotional',
    ]);
    const text = JSON.stringify(memorial).toLowerCase();
    for (const word of ['upbeat', 'playful', 'party', 'bouncy', 'cheeky'])
      expect(text).not.toContain(word);
    const wife = { relationship: 'my wife', occasion: 'birthday' };
    expect(presetsFor(wife).map((p) => p.label)).toEqual([
      'Poetic & romantic',
      'Upbeat & playful',
      'Heartfelt & emotional',
    ]);
    expect(presetsFor(wife).map((p) => p.variation)).toEqual([
      'poetic-romantic',
      'upbeat-playful',
      'heartfelt-emotional',
    ]);
    expect(memorial.map((p) => p.variation)).not.toContain('upbeat-playful');
  });

  it('cycles presets across the songs of an order', () => {
    const song = { relationship: 'wife', occasion: 'birthday' };
    expect(presetForSong(song, 3).id).toBe(presetsFor(song)[0]!.id);
    expect(presetForSong(song, 1).id).toBe('birthday-upbeat-playful');
  });

  it('has a preset set for every occasion kind', () => {
    const text: Record<(typeof OCCASION_KINDS)[number], string> = {
      birthday: 'birthday',
      wedding: 'wedding',
      anniversary: 'anniversary',
      graduation: 'graduation',
      memorial: 'memorial',
      mothersDay: "Mother's Day",
      fathersDay: "Father's Day",
      retirement: 'retirement',
      justBecause: 'just because',
    };
    const ids = OCCASION_KINDS.flatMap((kind) =>
      presetsFor({ relationship: 'friend', occasion: text[kind] }).map((p) => p.id),
    );
    expect(new Set(ids).size).toBe(OCCASION_KINDS.length * 3);
  });
});

describe('rhyme table', () => {
  it('ends every ending on a word of its own group, and no word is in two groups', () => {
    const owner = new Map<string, string>();
    for (const [key, group] of Object.entries(RHYMES)) {
      expect(group.endings.length, key).toBeGreaterThanOrEqual(6);
      for (const ending of group.endings) expect(group.words, ending).toContain(lastWord(ending));
      for (const word of group.words) {
        expect(owner.get(word), word).toBeUndefined();
        owner.set(word, key);
      }
    }
  });
});
