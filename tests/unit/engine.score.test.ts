import { beforeAll, describe, expect, it } from 'vitest';
import { chordAt, type Section } from '../../server/engine/arrangement.ts';
import { compose, type Composition } from '../../server/engine/composer.ts';
import { planSong, type SongSpec } from '../../server/engine/index.ts';
import { parseLyrics } from '../../server/engine/lyrics.ts';
import { PRESETS, SAMPLE_LYRICS, sampleSpec } from '../../server/engine/samples.ts';
import type { PartId } from '../../server/engine/score.ts';
import { chordPitchClasses } from '../../server/engine/theory.ts';

const STYLES = [
  'pop',
  'acoustic folk',
  'rnb',
  'rock',
  'country',
  'jazz',
  'edm',
  'lullaby',
  'hip hop',
  'piano ballad',
  'bossa nova',
  'cinematic',
];

const BIRTHDAY_LYRICS = `[Verse 1]
You were the kid who climbed the highest tree
Laughing at the sky and calling down to me
Now the candles crowd the cake a little more
But you still race the sunrise out the door

[Chorus]
So raise a glass and make a little noise
Here's to every year and all its joys
Blow the candles out and make a wish tonight
Happy birthday, everything is bright

[Verse 2]
Dancing in the kitchen, singing out of tune
Chasing every summer, howling at the moon
Friends around the table telling stories loud
You're the brightest face in every crowd

[Chorus]
So raise a glass and make a little noise
Here's to every year and all its joys
Blow the candles out and make a wish tonight
Happy birthday, everything is bright

[Bridge]
Another year, another door
Another dance across the floor
We'll keep on singing, we'll keep on
Till the night is gone

[Chorus]
So raise a glass and make a little noise
Here's to every year and all its joys
Blow the candles out and make a wish tonight
Happy birthday, everything is bright`;

const MEMORIAL_LYRICS = `[Verse 1]
Your coat still hangs beside the kitchen door
Your garden waits for rain the way it did before
I hear your laughter when the evening fades
In every quiet room the memory stays

[Chorus]
Rest easy now, the light is carrying you home
I'll keep your songs so you are never alone
Every morning I will say your name
And love you just the same

[Verse 2]
The photographs are smiling on the wall
The letters that you wrote, I've read them all
You taught me how to listen to the sea
And now the sea is where you'll always be

[Chorus]
Rest easy now, the light is carrying you home
I'll keep your songs so you are never alone
Every morning I will say your name
And love you just the same

[Bridge]
If the stars could speak tonight
They would tell me you're all right

[Chorus]
Rest easy now, the light is carrying you home
I'll keep your songs so you are never alone
Every morning I will say your name
And love you just the same`;

/** Three briefs an app user writes, each heard in all three variation presets. */
const BRIEFS: Partial<SongSpec>[] = [
  { mood: 'romantic', occasion: 'anniversary', lyrics: SAMPLE_LYRICS },
  {
    mood: 'joyful',
    occasion: 'birthday',
    lyrics: BIRTHDAY_LYRICS,
    title: 'Brightest Face',
    musicPrompt: 'a fun song for my sister turning thirty',
  },
  {
    mood: 'melancholic',
    occasion: 'memorial',
    lyrics: MEMORIAL_LYRICS,
    title: 'Same',
    musicPrompt: 'for my grandfather, who loved his garden',
  },
];
const SEEDS = ['north', 'south', 'west'];

function corpus(): SongSpec[] {
  const specs: SongSpec[] = [];
  for (const musicStyle of STYLES)
    for (const brief of BRIEFS)
      for (const preset of PRESETS)
        for (const seed of SEEDS)
          specs.push(sampleSpec({ ...brief, musicStyle, preset, seed: `${seed}-${musicStyle}:1` }));
  return specs;
}

const beatOf = (c: Composition) => (c.style.metre === '6/8' ? 1.5 : 1);
const onBeat = (qn: number, beat: number) => Math.abs(qn / beat - Math.round(qn / beat)) < 1e-6;
const chordTones = (c: Composition, at: number) => {
  const slot = chordAt(c.form.sections, at);
  return slot ? new Set(chordPitchClasses(slot.chord, c.style.key)) : null;
};
const changesOf = (sections: readonly Section[]) =>
  sections.flatMap((s) => s.chords.map((slot) => slot.start)).filter((t) => t > 0);

interface Harmony {
  onBeat: number;
  onBeatOut: number;
  held: number;
  heldClash: number;
  songsWithOut: number;
  /** Notes off the beat longer than half a beat: heard as harmony, so they fit a chord too. */
  longOffBeat: number;
  longOffBeatOut: number;
}

/** How often the heard tune (the lead part) leaves the chord under it. */
function tuneAgainstChords(c: Composition, into: Harmony): void {
  const lead = c.parts.find((p) => p.id === 'lead');
  if (!lead) return;
  const beat = beatOf(c);
  const changes = changesOf(c.form.sections);
  let out = 0;
  for (const n of lead.notes) {
    if (onBeat(n.start, beat)) {
      const tones = chordTones(c, n.start);
      into.onBeat++;
      if (tones && !tones.has(n.pitch % 12)) out++;
    }
    const crossed = changes.filter((t) => t > n.start + 1e-6 && t < n.start + n.dur - 1e-6);
    if (!onBeat(n.start, beat) && n.dur > beat / 2 + 1e-6) {
      into.longOffBeat++;
      // An anticipation (a note pushed ahead of the change) belongs to the chord it reaches.
      const fits = [n.start, ...crossed].some((t) => chordTones(c, t)?.has(n.pitch % 12));
      if (!fits) into.longOffBeatOut++;
    }
    if (crossed.length > 0) {
      into.held++;
      if (crossed.some((t) => !chordTones(c, t)?.has(n.pitch % 12))) into.heldClash++;
    }
  }
  into.onBeatOut += out;
  if (out > 0) into.songsWithOut++;
}

const pct = (a: number, b: number) => `${((100 * a) / Math.max(1, b)).toFixed(2)}%`;

describe('engine score', () => {
  const specs = corpus();
  let composed: Composition[] = [];

  // 324 plans: about 2 s on a quiet machine, 12 s measured at load 8.
  beforeAll(() => {
    const t0 = performance.now();
    composed = specs.map((spec) => compose(spec));
    const ms = performance.now() - t0;
    console.log(
      `composed ${composed.length} songs in ${ms.toFixed(0)} ms (${(ms / composed.length).toFixed(1)} ms each)`,
    );
  }, 240_000);

  it('covers 12 styles, 9 brief and preset pairs and 3 seeds', () => {
    expect(composed).toHaveLength(STYLES.length * BRIEFS.length * PRESETS.length * SEEDS.length);
    expect(composed.length).toBeGreaterThanOrEqual(300);
  });

  it('keeps the tune on the chord: on-beat notes and notes held across a change', () => {
    const h: Harmony = {
      onBeat: 0,
      onBeatOut: 0,
      held: 0,
      heldClash: 0,
      songsWithOut: 0,
      longOffBeat: 0,
      longOffBeatOut: 0,
    };
    for (const c of composed) tuneAgainstChords(c, h);
    console.log(
      `on-beat notes outside the chord: ${h.onBeatOut}/${h.onBeat} (${pct(h.onBeatOut, h.onBeat)}), ` +
        `songs with any: ${h.songsWithOut}/${composed.length}; ` +
        `held notes clashing with the next chord: ${h.heldClash}/${h.held} (${pct(h.heldClash, h.held)}); ` +
        `long off-beat notes outside every chord they touch: ${h.longOffBeatOut}/${h.longOffBeat}`,
    );
    expect(h.onBeat).toBeGreaterThan(10_000);
    expect(h.onBeatOut / h.onBeat).toBeLessThanOrEqual(0.01);
    // Held notes stay held (most share a tone with the next chord) rather than all being cut.
    expect(h.held).toBeGreaterThan(1000);
    expect(h.heldClash / h.held).toBeLessThanOrEqual(0.05);
    expect(h.longOffBeatOut / Math.max(1, h.longOffBeat)).toBeLessThanOrEqual(0.01);
  }, 60_000);

  it('holds sustained parts up to every downbeat, so the level does not sag before a change', () => {
    const sustained: PartId[] = ['pad', 'keys', 'guitar', 'bass', 'extra'];
    let changes = 0;
    let held = 0;
    const sags: string[] = [];
    for (const c of composed) {
      const beat = beatOf(c);
      const times = changesOf(c.form.sections);
      changes += times.length;
      // A plucked lift layer doubles the tune, so it phrases like the tune; a held one harmonises.
      const parts = c.parts.filter(
        (p) => sustained.includes(p.id) && (p.id !== 'extra' || p.instrument.sustain),
      );
      for (const part of parts) {
        const notes = [...part.notes].sort((a, b) => a.start - b.start);
        for (const t of times) {
          let s = -Infinity;
          for (const n of notes) if (n.start < t - 1e-6) s = n.start;
          const struck = notes.filter((n) => Math.abs(n.start - s) < 1e-6);
          const gap = t - s;
          // A note struck a beat or more before the change that sounds most of the way there is
          // a held note; short, detached hits (eighth-note grooves, stabs) are not.
          const longest = Math.max(...struck.map((n) => n.dur));
          if (struck.length === 0 || gap < beat - 1e-6 || longest < 0.75 * gap) continue;
          held++;
          if (struck.some((n) => n.start + n.dur < t - 1e-6))
            sags.push(`${c.style.genre.id} ${part.id} at ${t} (${c.style.metre})`);
        }
      }
    }
    console.log(
      `chord changes: ${changes}; held parts checked at a change: ${held}; released early: ${sags.length}`,
    );
    expect(held).toBeGreaterThan(changes);
    expect(sags.slice(0, 10)).toEqual([]);
  }, 60_000);

  it('sings every lyric section in every take, and a take lasts 110–190 s', () => {
    const lengths = composed.map((c) => c.durationSec);
    console.log(
      `take lengths ${Math.min(...lengths).toFixed(1)}–${Math.max(...lengths).toFixed(1)} s, ` +
        `mean ${(lengths.reduce((a, b) => a + b, 0) / lengths.length).toFixed(1)} s`,
    );
    composed.forEach((c, i) => {
      const spec = specs[i] as SongSpec;
      expect(c.durationSec).toBeGreaterThanOrEqual(110);
      expect(c.durationSec).toBeLessThanOrEqual(190);
      // The lyric's sections appear in order among the sung ones (a chorus may repeat).
      const wanted = parseLyrics(spec.lyrics).map((s) => s.kind);
      const sung = c.form.sections.filter((s) => s.sung).map((s) => s.kind);
      let at = 0;
      for (const kind of sung) if (kind === wanted[at]) at++;
      expect(at, `${spec.musicStyle} ${spec.preset} ${spec.seed}`).toBe(wanted.length);
      const sungLines = c.form.sections.filter((s) => s.sung).flatMap((s) => s.lines);
      for (const section of parseLyrics(spec.lyrics))
        for (const line of section.lines)
          expect(sungLines.some((l) => l.text === line.text)).toBe(true);
    });
  }, 60_000);

  it('says when each sung line starts', () => {
    composed.forEach((c, i) => {
      const spec = specs[i] as SongSpec;
      const times = c.plan.lyricTimes;
      const sungLines = c.form.sections.filter((s) => s.sung).flatMap((s) => s.lines);
      expect(times).toHaveLength(sungLines.length);
      expect(times.map((t) => t.line)).toEqual(sungLines.map((l) => l.text));
      expect(new Set(times.map((t) => t.line))).toEqual(
        new Set(parseLyrics(spec.lyrics).flatMap((s) => s.lines.map((l) => l.text))),
      );
      const leadStarts = (c.parts.find((p) => p.id === 'lead')?.notes ?? []).map((n) =>
        c.timeline.seconds(n.start),
      );
      times.forEach((t, k) => {
        expect(t.startSec).toBeGreaterThan(0);
        expect(t.startSec).toBeLessThan(c.durationSec);
        if (k > 0)
          expect(t.startSec).toBeGreaterThan((times[k - 1] as { startSec: number }).startSec);
        // A line starts where the tune sings its first syllable.
        expect(
          leadStarts.some((s) => Math.abs(s - t.startSec) < 0.002),
          t.line,
        ).toBe(true);
      });
    });
  });
});

describe('engine mood', () => {
  /** Quarter notes per minute: in 6/8 the counted beat is a dotted quarter. */
  const pulse = (p: { bpm: number; metre: string }) => (p.metre === '6/8' ? p.bpm * 1.5 : p.bpm);
  const sombre = [
    { mood: 'melancholic', occasion: 'just because' },
    { mood: 'sad', occasion: 'farewell' },
    { mood: 'nostalgic', occasion: 'anniversary' },
    { mood: 'heartfelt', occasion: 'memorial' },
  ];

  // Hundreds of plans each: about 4 s on a quiet machine; the machine may run at load 8.
  it('sets a sad, nostalgic or memorial brief in a minor key at a slow tempo', () => {
    const t0 = performance.now();
    let songs = 0;
    for (const musicStyle of STYLES)
      for (const brief of sombre)
        for (const preset of PRESETS)
          for (const seed of SEEDS) {
            const plan = planSong(
              sampleSpec({ ...brief, musicStyle, preset, musicPrompt: '', seed: `${seed}:1` }),
            );
            expect(plan.mode, `${musicStyle} ${brief.mood} ${preset}`).toBe('minor');
            expect(pulse(plan), `${musicStyle} ${brief.mood} ${preset}`).toBeLessThanOrEqual(88);
            songs++;
          }
    expect(songs).toBe(STYLES.length * sombre.length * PRESETS.length * SEEDS.length);
    console.log(`planned ${songs} sombre songs in ${(performance.now() - t0).toFixed(0)} ms`);
  }, 120_000);

  it('lets the style or prompt ask for brightness over a sombre mood', () => {
    const t0 = performance.now();
    let major = 0;
    for (const musicStyle of STYLES)
      for (const preset of PRESETS)
        for (const seed of SEEDS) {
          const spec = { mood: 'melancholic', musicStyle, preset, seed: `${seed}:1` };
          const slow = planSong(sampleSpec({ ...spec, musicPrompt: '' }));
          const bright = planSong(sampleSpec({ ...spec, musicPrompt: 'upbeat and happy' }));
          expect(pulse(bright), `${musicStyle} ${preset}`).toBeGreaterThan(pulse(slow));
          if (bright.mode === 'major') major++;
        }
    expect(major).toBeGreaterThan(0);
    console.log(
      `planned ${STYLES.length * PRESETS.length * SEEDS.length * 2} songs in ${(performance.now() - t0).toFixed(0)} ms; ` +
        `${major} of ${STYLES.length * PRESETS.length * SEEDS.length} bright ones major`,
    );
  }, 120_000);
});
