// From a song request to a full score: style, harmony, form, tune, and every part, with the
// instruments and mix positions that the renderer turns into sound. Pure and fast, so the
// plan can be shown before anything is rendered.

import { chooseComp, writeComp, writeExtra, writePad } from './accompaniment.ts';
import { buildForm, TAIL_SEC, type Form } from './arrangement.ts';
import { writeBass } from './bass.ts';
import { Choices } from './choices.ts';
import { writeDrums } from './drums.ts';
import { chooseHarmony, type Harmony } from './harmony.ts';
import { instrument, type Instrument } from './instruments.ts';
import { heardNames, parseLyrics } from './lyrics.ts';
import { writeMelody, type LeadRange, type Melody } from './melody.ts';
import { Rng } from './random.ts';
import { Timeline, type Part, type PartId, type ScoreNote } from './score.ts';
import { ceilingOf, resolveStyle, TAKE_LIMITS, type LengthLimits, type Style } from './style.ts';
import { ACOUSTIC_FALLBACK, ROLE_MIX, VOCAL_CENTRES } from './tables.ts';
import { chordSymbol, noteName } from './theory.ts';
import type { SongPlan, SongSpec } from './types.ts';

export interface Composition {
  style: Style;
  form: Form;
  harmony: Harmony;
  melody: Melody;
  parts: Part[];
  timeline: Timeline;
  durationSec: number;
  /** Where the preview starts: just before the first chorus when there is one. */
  previewStartSec: number;
  plan: SongPlan;
}

function pool(
  role: keyof typeof ACOUSTIC_FALLBACK,
  ids: readonly string[],
  style: Style,
  exclude: readonly string[] = [],
): string[] {
  let list = ids.filter((id) => !exclude.includes(id));
  if (list.length === 0) list = [...ids];
  if (style.acoustic) {
    const acoustic = list.filter((id) => instrument(id).acoustic);
    list = acoustic.length > 0 ? acoustic : [ACOUSTIC_FALLBACK[role]];
  }
  return list;
}

function weightFor(style: Style): (id: string) => number {
  return (id) => (style.affinity[id] ?? 1) * (style.electronic && !instrument(id).acoustic ? 2 : 1);
}

/** Places the tune where the chosen voice would sing it, inside what the instrument can play. */
export function leadRange(inst: Instrument, vocals: SongSpec['vocals']): LeadRange {
  const [lo, hi] = inst.range;
  const voice = VOCAL_CENTRES[vocals] ?? inst.centre;
  // Move only as far as the instrument needs: an octave jump would put a whistle up in the
  // squeaky top of its range when a couple of semitones would do.
  const centre = Math.min(hi - 9, Math.max(lo + 7, voice));
  return { centre, lo: Math.max(lo, centre - 9), hi: Math.min(hi, centre + 12) };
}

function monophonic(notes: ScoreNote[], sustain: boolean): ScoreNote[] {
  const sorted = [...notes].sort((a, b) => a.start - b.start);
  return sorted.map((n, i) => {
    const next = sorted[i + 1];
    let dur = sustain ? n.dur * 0.96 : n.dur;
    if (next) dur = Math.min(dur, next.start - n.start - 0.02);
    return { ...n, dur: Math.max(0.1, dur) };
  });
}

export function compose(spec: SongSpec, limits: LengthLimits = TAKE_LIMITS): Composition {
  const style = resolveStyle(spec, limits);
  const { genre, family } = style;
  const lyrics = parseLyrics(spec.lyrics ?? '', heardNames(spec.sungNames));
  const songRng = new Rng(`song:${style.songSeed}:${family.family}`);
  const harmony = chooseHarmony(style, songRng.fork('harmony'));
  const form = buildForm(style, lyrics, harmony, songRng.fork('form'));
  const choices = new Choices(style.songSeed, family.family, spec.take === 2 ? 2 : 1);
  const w = weightFor(style);

  const leadId =
    style.roles.lead ?? choices.pick('lead', pool('lead', genre.leads[family.family], style), w);
  const keysId =
    style.roles.keys ??
    choices.pick('keys', pool('keys', genre.keys.instruments, style, [leadId]), w);
  const hasGuitar = style.roles.guitar !== undefined || choices.flag('guitar', genre.guitar.chance);
  const guitarId =
    style.roles.guitar ??
    choices.pick('guitar', pool('guitar', genre.guitar.instruments, style, [keysId, leadId]), w);
  const padId =
    style.roles.pad ?? choices.pick('pad', pool('pad', genre.pad.instruments, style, [leadId]), w);
  const bassId =
    style.roles.bass ?? choices.pick('bass', pool('bass', genre.bass.instruments, style), w);
  const extraId =
    style.roles.extra ??
    choices.pick('extra', pool('extra', family.extras, style, [leadId, padId]), w);
  let kitId = genre.kits[family.family];
  if (style.acoustic && !instrument(kitId).acoustic) kitId = 'room-kit';

  const lead = instrument(leadId);
  const range = leadRange(lead, spec.vocals);
  const melody = writeMelody(form, style, range, songRng.fork('melody'));

  const leadNotes: ScoreNote[] = melody.notes.map((n) => ({ ...n }));
  const intro = form.sections[0];
  if (
    intro &&
    melody.hook &&
    intro.bars * form.barQn >= melody.hook.phraseQn &&
    choices.flag('intro-hook', 0.5)
  ) {
    const { shapes, pitches } = melody.hook;
    shapes.forEach((s, i) => {
      if (s.on < 0) return;
      leadNotes.push({
        pitch: pitches[i] as number,
        velocity: 66,
        start: intro.start + s.on,
        dur: s.dur,
      });
    });
  }

  const comp = (part: 'keys' | 'guitar', inst: Instrument, patterns: readonly string[]) =>
    writeComp(form, {
      part,
      inst,
      comp: chooseComp(part, patterns, style.metre, family, choices),
      key: style.key,
      metre: style.metre,
      choices,
    });

  const wet = genre.space.wet;
  const mk = (id: PartId, inst: Instrument, notes: ScoreNote[]): Part => {
    const mix = ROLE_MIX[id];
    // A bowed bass line holds every note at full level; plucked basses decay between notes.
    const held = id === 'bass' && inst.sustain ? -3 : 0;
    const family = id === 'drums' ? style.family.drumsDb : 0;
    return {
      id,
      instrument: inst,
      db: mix.db + inst.gainDb + held + family,
      pan: mix.pan,
      send: Math.min(1, mix.send * (0.6 + wet)),
      notes,
    };
  };

  const parts: Part[] = [
    mk('lead', lead, monophonic(leadNotes, lead.sustain)),
    mk('keys', instrument(keysId), comp('keys', instrument(keysId), genre.keys.patterns)),
    ...(hasGuitar
      ? [
          mk(
            'guitar',
            instrument(guitarId),
            comp('guitar', instrument(guitarId), genre.guitar.patterns),
          ),
        ]
      : []),
    mk(
      'pad',
      instrument(padId),
      writePad(form, instrument(padId), style.key, genre.pad.from, choices),
    ),
    mk(
      'bass',
      instrument(bassId),
      writeBass(form, style.metre, style.key, genre, instrument(bassId), choices),
    ),
    mk(
      'extra',
      instrument(extraId),
      writeExtra(form, instrument(extraId), style.key, melody.notes),
    ),
    mk('drums', instrument(kitId), writeDrums(form, style.metre, genre, choices, style.energy)),
  ].filter((p) => p.notes.length > 0);

  const outro = form.sections[form.sections.length - 1];
  const ritardBars = outro && outro.bars >= 2 ? 2 : 1;
  let timeline = new Timeline({
    qnPerMinute: style.qnPerMinute,
    leadInSec: form.leadInSec,
    swing: genre.swing,
    swingUnit: genre.swingUnit,
    ritardFrom: form.lengthQn - ritardBars * form.barQn,
    ritardTo: form.lengthQn,
    ritardDepth: 0.82,
  });
  let durationSec = timeline.seconds(form.lengthQn) + TAIL_SEC;
  const { minSec } = style.limits;
  const maxSec = ceilingOf(style.limits);
  if (durationSec > maxSec) {
    timeline = new Timeline({
      qnPerMinute: style.qnPerMinute,
      leadInSec: form.leadInSec,
      swing: genre.swing,
      swingUnit: genre.swingUnit,
      ritardFrom: form.lengthQn,
      ritardTo: form.lengthQn,
      ritardDepth: 1,
    });
    // Past the limit the take is cut short; only the tests' short limits get here, since a
    // full take's form is fitted to its ceiling.
    durationSec = Math.min(maxSec, timeline.seconds(form.lengthQn) + TAIL_SEC);
  }
  durationSec = Math.max(minSec, durationSec);

  const firstChorus = form.sections.find((s) => s.kind === 'chorus');
  const chorusAt = firstChorus ? timeline.seconds(Math.max(0, firstChorus.start - form.barQn)) : 0;
  const previewStartSec = chorusAt < 12 ? 0 : Math.max(0, Math.min(chorusAt, durationSec - 32));

  const instrumentsUsed = parts.map((p) => p.instrument.name);
  const plan: SongPlan = {
    key: noteName(style.key.tonic, style.key),
    mode: style.key.mode,
    bpm: style.bpm,
    metre: style.metre,
    progression: harmony.chorus.map((c) => chordSymbol(c, style.key)),
    instruments: [...new Set(instrumentsUsed)],
    sections: form.sections.map((s) => s.kind),
    lyricTimes: melody.lines
      .map((l) => ({
        section: l.section,
        line: l.text,
        startSec: Math.round(timeline.seconds(l.onset) * 1000) / 1000,
      }))
      // Only a take cut short by test limits loses lines; a full take sings them all.
      .filter((t) => t.startSec < durationSec),
  };

  return { style, form, harmony, melody, parts, timeline, durationSec, previewStartSec, plan };
}
