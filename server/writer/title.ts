import { isRomantic, type Relation } from '../../schema/relationship.ts';
import { slotsOf, TONES } from './lines.ts';
import { OCCASIONS, type LyricOccasion, type TitlePattern } from './occasions.ts';
import { RELATIONS } from './relations.ts';
import { isRomanticText } from './romance.ts';
import type { Chooser } from './seed.ts';
import { titleCase } from './text.ts';
import type { Tone } from './types.ts';

export type Slots = Readonly<Record<string, string | undefined>>;

/** Fills {slot} and {Slot}; a capitalised slot name asks for the title-cased value. */
export function fill(template: string, slots: Slots): string {
  return template.replace(/\{(\w+)\}/g, (_m, key: string) => {
    const value = slots[key.toLowerCase()] ?? '';
    return key.charAt(0) === key.charAt(0).toUpperCase() ? titleCase(value) : value;
  });
}

export function fits(template: string, slots: Slots): boolean {
  return slotsOf(template).every((slot) => Boolean(slots[slot]));
}

export type TitleChoice = { title: string; hook: string };

/** The titles a variation may take: its tone's, the relation's and the occasion's. */
function titlePool(
  tone: Tone,
  relation: Relation,
  occasion: LyricOccasion,
  slots: Slots,
): TitlePattern[] {
  const romantic = isRomantic(relation);
  const memorial = relation.isMemorial || occasion === 'memorial';
  const { titles, partnerTitles } = OCCASIONS[occasion];
  return [
    ...TONES[tone].titles,
    // The relation's titles are for the living ("You're stuck with me"); a memorial has its own.
    ...(memorial ? [] : RELATIONS[relation.kind].titles),
    ...titles,
    ...(romantic ? partnerTitles : []),
  ].filter(
    (p) =>
      fits(p.title, slots) &&
      fits(p.hook, slots) &&
      (romantic || (!isRomanticText(p.title) && !isRomanticText(p.hook))),
  );
}

/**
 * A title and the chorus hook sung from it for each of a song's variations, in card order, all
 * different: chosen together from one song-wide order, each card taking the first of its own
 * candidates that no earlier card took.
 */
export function chooseTitles(
  tones: readonly Tone[],
  relation: Relation,
  occasion: LyricOccasion,
  slots: Slots,
  song: Chooser,
): TitleChoice[] {
  const taken = new Set<string>();
  return tones.map((tone) => {
    const pool = song.shuffle(titlePool(tone, relation, occasion, slots));
    const pattern = pool.find((p) => !taken.has(fill(p.title, slots).toLowerCase())) ?? pool[0]!;
    const title = fill(pattern.title, slots);
    taken.add(title.toLowerCase());
    return { title, hook: fill(pattern.hook, slots) };
  });
}
