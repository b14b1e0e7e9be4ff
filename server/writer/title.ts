import { slotsOf, TONES } from './lines.ts';
import { OCCASIONS, type OccasionKind } from './occasions.ts';
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

/** The song title and the chorus hook sung from it, so the title is what people sing along to. */
export function chooseTitle(
  tone: Tone,
  occasion: OccasionKind,
  slots: Slots,
  choose: Chooser,
): { title: string; hook: string } {
  const candidates = [...TONES[tone].titles, ...OCCASIONS[occasion].titles].filter(
    (p) => fits(p.title, slots) && fits(p.hook, slots),
  );
  const pattern = choose.pick(candidates);
  return { title: fill(pattern.title, slots), hook: fill(pattern.hook, slots) };
}
