import { describe, expect, it } from 'vitest';
import { compose } from '../../server/engine/composer.ts';
import { planSong, type SongSpec } from '../../server/engine/index.ts';
import { instrument } from '../../server/engine/instruments.ts';
import { lineSyllables, parseLyrics, splitWord } from '../../server/engine/lyrics.ts';
import { PRESETS, sampleSpec } from '../../server/engine/samples.ts';

const GENRES = [
  'pop',
  'acoustic folk',
  'rnb',
  'rock',
  'country',
  'jazz',
  'edm',
  'lullaby',
  'hip hop',
];
const MOODS = ['romantic', 'playful', 'nostalgic', 'joyful', 'heartfelt'];
const OCCASIONS = ['birthday', 'anniversary', 'wedding', 'graduation', 'memorial', 'just because'];

/** Quarter notes per minute: in 6/8 the counted beat is a dotted quarter. */
const pulse = (p: { bpm: number; metre: string }) => (p.metre === '6/8' ? p.bpm * 1.5 : p.bpm);

describe('engine plan', () => {
  it('is a pure function of the request', () => {
    const spec = sampleSpec();
    expect(planSong(spec)).toEqual(planSong({ ...spec }));
    const seeds = ['a:1', 'b:1', 'c:1', 'd:1', 'e:1', 'f:1'];
    const plans = new Set(seeds.map((seed) => JSON.stringify(planSong(sampleSpec({ seed })))));
    expect(plans.size).toBeGreaterThan(1);
  });

  it('gives the three presets different tempo, progression and instruments for every style', () => {
    let checked = 0;
    for (const musicStyle of GENRES) {
      for (const mood of MOODS) {
        for (const occasion of OCCASIONS) {
          for (const lyrics of [sampleSpec().lyrics, '']) {
            const plans = PRESETS.map((preset) =>
              planSong(
                sampleSpec({
                  musicStyle,
                  mood,
                  occasion,
                  preset,
                  lyrics,
                  seed: `${musicStyle}-${mood}:1`,
                }),
              ),
            );
            for (let i = 0; i < 3; i++) {
              for (let j = i + 1; j < 3; j++) {
                const a = plans[i]!;
                const b = plans[j]!;
                const ratio = Math.max(pulse(a), pulse(b)) / Math.min(pulse(a), pulse(b));
                expect(ratio, `${musicStyle}/${mood}/${occasion} tempo`).toBeGreaterThan(1.08);
                expect(a.progression, `${musicStyle}/${mood}/${occasion} progression`).not.toEqual(
                  b.progression,
                );
                expect(
                  [...a.instruments].sort(),
                  `${musicStyle}/${mood}/${occasion} instruments`,
                ).not.toEqual([...b.instruments].sort());
                checked++;
              }
            }
          }
        }
      }
    }
    expect(checked).toBe(GENRES.length * MOODS.length * OCCASIONS.length * 2 * 3);
    // Thousands of plans: 5 s on a quiet machine, 25–35 s at load 16; the unit default is 30 s.
  }, 120_000);

  it('orders the presets by tempo: playful fastest, romantic slowest', () => {
    for (const musicStyle of GENRES) {
      const [romantic, playful, heartfelt] = PRESETS.map((preset) =>
        pulse(planSong(sampleSpec({ musicStyle, preset }))),
      );
      expect(playful!).toBeGreaterThan(heartfelt!);
      expect(heartfelt!).toBeGreaterThan(romantic!);
    }
  });

  it('makes take 2 another arrangement of the same song', () => {
    const one = planSong(sampleSpec({ seed: 'slot-9:1', take: 1 }));
    const two = planSong(sampleSpec({ seed: 'slot-9:2', take: 2 }));
    expect(two.key).toBe(one.key);
    expect(two.mode).toBe(one.mode);
    expect(two.bpm).toBe(one.bpm);
    expect(two.progression).toEqual(one.progression);
    expect(two.sections).toEqual(one.sections);
    expect([...two.instruments].sort()).not.toEqual([...one.instruments].sort());
    // The lead voice in particular changes, so the takes are told apart at once.
    expect(two.instruments[0]).not.toBe(one.instruments[0]);
  });

  it('maps genres and prompt words onto tempo', () => {
    const bpm = (over: Partial<SongSpec>) =>
      pulse(planSong(sampleSpec({ preset: 'heartfelt-emotional', ...over })));
    expect(bpm({ musicStyle: 'lullaby' })).toBeLessThan(bpm({ musicStyle: 'edm' }));
    expect(bpm({ musicStyle: 'rnb' })).toBeLessThan(bpm({ musicStyle: 'rock' }));
    expect(bpm({ musicPrompt: 'slow and tender' })).toBeLessThan(bpm({ musicPrompt: '' }));
    expect(bpm({ musicPrompt: 'upbeat and fast' })).toBeGreaterThan(bpm({ musicPrompt: '' }));
  });

  it('honours instrument words in the prompt', () => {
    const acoustic = compose(sampleSpec({ musicPrompt: 'an acoustic song', musicStyle: 'pop' }));
    for (const part of acoustic.parts)
      expect(part.instrument.acoustic, part.instrument.name).toBe(true);

    const noDrums = planSong(
      sampleSpec({ musicPrompt: 'piano and voice, no drums', preset: 'upbeat-playful' }),
    );
    expect(noDrums.instruments.some((name) => /drum|percussion/i.test(name))).toBe(false);
    expect(noDrums.instruments).toContain(instrument('piano').name);

    expect(planSong(sampleSpec({ musicPrompt: 'with a cello' })).instruments[0]).toBe('Cello');
    expect(planSong(sampleSpec({ musicPrompt: 'a waltz', preset: 'upbeat-playful' })).metre).toBe(
      '3/4',
    );
  });

  it('maps unknown presets onto a family deterministically', () => {
    const a = planSong(sampleSpec({ preset: 'tender-romantic-v2' }));
    expect(a).toEqual(planSong(sampleSpec({ preset: 'tender-romantic-v2' })));
    expect(a.bpm).toBe(planSong(sampleSpec({ preset: 'poetic-romantic' })).bpm);
    const unknown = planSong(sampleSpec({ preset: 'zzz' }));
    expect(unknown).toEqual(planSong(sampleSpec({ preset: 'zzz' })));
  });

  it('keeps every take between 110 and 190 seconds and near the requested length', () => {
    const long = Array.from(
      { length: 10 },
      (_, i) =>
        `[Verse ${i + 1}]\nline one of this verse goes here\nand another line to sing along\n`,
    ).join('\n');
    const cases: [string, number | undefined][] = [
      ['', undefined],
      ['[Chorus]\nHappy birthday to you', undefined],
      ['[Chorus]\nHappy birthday dear Sam\nHappy birthday to you', 125],
      [sampleSpec().lyrics, 30],
      [sampleSpec().lyrics, 150],
      [sampleSpec().lyrics, 190],
      [sampleSpec().lyrics, 400],
      [long, 150],
    ];
    for (const [lyrics, durationSec] of cases) {
      for (const preset of PRESETS) {
        const c = compose(sampleSpec({ lyrics, durationSec, preset }));
        expect(c.durationSec).toBeGreaterThanOrEqual(110);
        expect(c.durationSec).toBeLessThanOrEqual(190);
        const target = Math.min(190, Math.max(110, durationSec ?? 150));
        expect(Math.abs(c.durationSec - target) / target, `${preset} ${durationSec}`).toBeLessThan(
          0.2,
        );
        const sung = c.form.sections.filter((s) => s.sung).flatMap((s) => s.lines);
        expect(new Set(sung.map((l) => l.text)), `${preset} ${durationSec}`).toEqual(
          new Set(parseLyrics(lyrics).flatMap((s) => s.lines.map((l) => l.text))),
        );
      }
    }
  });

  it('sings every word of the longest lyric the app accepts, past 190 s only when it must', () => {
    let lyrics = '';
    for (let i = 1; lyrics.length < 2900; i++)
      lyrics +=
        `[Verse ${i}]\nWe walked the river road when summer came again\n` +
        `And every evening fades into a golden flame\nThe dances in the kitchen and the quiet rain\n` +
        `I would live it all again\n\n`;
    lyrics = lyrics.slice(0, 3000);
    const lines = parseLyrics(lyrics).flatMap((s) => s.lines.map((l) => l.text));
    for (const preset of PRESETS) {
      for (const musicStyle of ['pop', 'piano ballad', 'edm']) {
        const c = compose(sampleSpec({ lyrics, preset, musicStyle }));
        expect(c.plan.lyricTimes.map((t) => t.line)).toEqual(lines);
        expect(c.durationSec).toBeLessThanOrEqual(300);
      }
    }
  }, 60_000);

  it('builds a song form with intro, verses, choruses and outro', () => {
    const plan = planSong(sampleSpec());
    expect(plan.sections[0]).toBe('intro');
    expect(plan.sections[plan.sections.length - 1]).toBe('outro');
    expect(plan.sections).toContain('verse');
    expect(plan.sections).toContain('chorus');
    expect(['major', 'minor']).toContain(plan.mode);
    expect(['4/4', '3/4', '6/8']).toContain(plan.metre);
    expect(plan.progression.length).toBeGreaterThanOrEqual(4);
  });
});

describe('engine lyrics', () => {
  it('counts sung syllables', () => {
    const counts = Object.fromEntries(
      [
        'love',
        'happy',
        'beautiful',
        'anniversary',
        'together',
        'remember',
        'graduation',
        'special',
        'little',
        'smile',
        'lovely',
      ].map((w) => [w, splitWord(w).length]),
    );
    expect(counts).toEqual({
      love: 1,
      happy: 2,
      beautiful: 3,
      anniversary: 5,
      together: 3,
      remember: 3,
      graduation: 4,
      special: 2,
      little: 2,
      smile: 1,
      lovely: 2,
    });
    const line = lineSyllables('Happy birthday to you, my friend');
    expect(line).toHaveLength(8);
    expect(line[0]!.stress).toBe(2);
    expect(line[2]!.stress).toBe(2);
  });

  it('reads section tags', () => {
    const sections = parseLyrics(
      '[Verse 1]\na b c\n\n[Pre-Chorus]\nd e\n[Chorus]\nf g\n[Bridge]\nh\n[Outro]\ni',
    );
    expect(sections.map((s) => s.kind)).toEqual(['verse', 'pre', 'chorus', 'bridge', 'outro']);
    expect(parseLyrics('no tags at all\njust two lines').map((s) => s.kind)).toEqual(['verse']);
  });

  it('gives every sung syllable one note of the tune', () => {
    for (const preset of PRESETS) {
      const c = compose(sampleSpec({ preset }));
      expect(c.melody.lines.length).toBeGreaterThanOrEqual(8);
      for (const line of c.melody.lines) {
        expect(line.notes, line.text).toBe(line.syllables);
        expect(line.syllables, line.text).toBe(lineSyllables(line.text).length);
      }
      // The lead is a single voice: no two of its notes overlap.
      const lead = c.parts.find((p) => p.id === 'lead')!;
      const notes = [...lead.notes].sort((a, b) => a.start - b.start);
      for (let i = 1; i < notes.length; i++) {
        expect(notes[i]!.start).toBeGreaterThanOrEqual(
          notes[i - 1]!.start + notes[i - 1]!.dur - 1e-9,
        );
      }
      // Repeated chorus lines are sung to the same tune.
      const tunes = new Map<string, string>();
      const sorted = [...c.melody.notes].sort((a, b) => a.start - b.start);
      for (const line of c.melody.lines.filter((l) => l.section.startsWith('chorus'))) {
        const tune = sorted
          .filter(
            (n) => n.start >= line.start - 0.5 && n.start < line.start + 1e-9 + c.form.barQn * 4,
          )
          .slice(0, line.notes)
          .map((n) => n.pitch)
          .join(',');
        const seen = tunes.get(line.text);
        if (seen) expect(tune, line.text).toBe(seen);
        tunes.set(line.text, tune);
      }
      expect(tunes.size).toBeGreaterThan(0);
    }
  });

  it('puts the tune in the register of the chosen voice', () => {
    const lead = (vocals: SongSpec['vocals']) => {
      const c = compose(sampleSpec({ vocals, musicPrompt: 'piano ballad with a clarinet' }));
      const notes = c.melody.notes.map((n) => n.pitch);
      return notes.reduce((a, b) => a + b, 0) / notes.length;
    };
    expect(lead('female') - lead('male')).toBeGreaterThan(6);
  });
});
