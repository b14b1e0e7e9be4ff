import { isRomantic, type Relation } from '../../schema/relationship.ts';
import { DETAIL_LINES, DETAIL_ORDER, TONES, type DetailKind } from './lines.ts';
import { OCCASIONS, type LyricOccasion } from './occasions.ts';
import { RELATIONS } from './relations.ts';
import { RHYME_KEYS, RHYMES } from './rhymes.ts';
import { isRomanticText } from './romance.ts';
import type { Chooser } from './seed.ts';
import type { StoryDetails } from './story.ts';
import { capitalise } from './text.ts';
import { fill, fits, type Slots } from './title.ts';
import type { Tone } from './types.ts';

// Song form: [Verse 1] AABB, [Chorus] AAAA built on the title hook, [Verse 2] AABB, [Chorus],
// [Bridge] AA, [Chorus]. Verses spend the story's details; the chorus carries the hook. Lines come
// from the relation's bank first, then the variation's tone; outside a partner's song every line,
// ending and title passes the love-song filter (romance.ts), whatever bank it came from.

type Detail = { kind: DetailKind; value: string };

export type LyricsPlan = {
  tone: Tone;
  relation: Relation;
  occasion: LyricOccasion;
  hook: string;
  /** The recipient, or a fallback such as "my sister" when no name was given. */
  name: string;
  details: StoryDetails;
  /** Which of the song's three cards this is: each opens its first verse differently. */
  variationIndex: number;
};

// Round-robin over kinds so a story with four "we ..." clauses still gets its places sung.
function detailQueue(details: StoryDetails): Detail[] {
  const queue: Detail[] = [];
  const longest = Math.max(...DETAIL_ORDER.map((k) => details[k].length));
  for (let i = 0; i < longest; i++) {
    for (const kind of DETAIL_ORDER) {
      const value = details[kind][i];
      if (value) queue.push({ kind, value });
    }
  }
  return queue;
}

const rotate = <T>(items: readonly T[], by: number): T[] =>
  items.length ? [...items.slice(by % items.length), ...items.slice(0, by % items.length)] : [];

// Clauses may repeat a name already sung; a bare name or object may not repeat a clause or name.
function overlaps(sung: string, detail: Detail): boolean {
  const value = detail.value.toLowerCase();
  if (sung.includes(value)) return true;
  return !['memory', 'you', 'now'].includes(detail.kind) && value.includes(sung);
}

function line(lead: string, ending: string): string {
  return `${capitalise(lead.replace(/[\s,.;:!?]+$/u, ''))}, ${ending}`;
}

class Endings {
  private readonly byGroup = new Map<string, string[]>();
  private readonly groups: string[];

  constructor(
    private readonly choose: Chooser,
    private readonly allowed: (text: string) => boolean,
  ) {
    this.groups = choose.shuffle(RHYME_KEYS);
  }

  /** A fresh rhyme group with at least `needed` endings; each ending is used once per song. */
  group(needed = 2): string {
    const at = this.groups.findIndex(
      (key) => RHYMES[key]!.endings.filter(this.allowed).length >= needed,
    );
    if (at < 0) throw new Error('ran out of rhyme groups');
    const [key] = this.groups.splice(at, 1);
    this.byGroup.set(key!, this.choose.shuffle(RHYMES[key!]!.endings.filter(this.allowed)));
    return key!;
  }

  next(group: string): string {
    const endings = this.byGroup.get(group)!;
    const ending = endings.shift();
    if (!ending) throw new Error(`rhyme group ${group} has too few endings`);
    return ending;
  }
}

// Endings that suit a party and not a funeral: "raise a glass and cheer" to a grandfather who has
// died, or "I'm glad that you're here" to someone who is not.
const FESTIVE =
  /raise a glass|cheer\b|dancing through|feet up off|spin the world|let the music play|running wild|lovely ride|like a kite|off the chart|glad that you're here|fine tonight/i;

/**
 * Whether a line may be sung to this person: love-song words only reach a partner, and party
 * words never reach a memorial.
 */
export function allowedFor(relation: Relation, isMemorial: boolean): (text: string) => boolean {
  const romantic = isRomantic(relation);
  return (text) => (romantic || !isRomanticText(text)) && !(isMemorial && FESTIVE.test(text));
}

/**
 * The song's lyrics. `choose` is this variation's chooser; `song` is shared by the song's three
 * variations, so what they must not share (openings) can be split between them deterministically.
 */
export function composeLyrics(plan: LyricsPlan, choose: Chooser, song: Chooser): string {
  const tone = TONES[plan.tone];
  const relation = RELATIONS[plan.relation.kind];
  const occasion = OCCASIONS[plan.occasion];
  const memorial = plan.relation.isMemorial || plan.occasion === 'memorial';
  const allowed = allowedFor(plan.relation, memorial);
  const slots: Slots = { name: plan.name };
  const usable = (t: string) => fits(t, slots) && allowed(t);
  const endings = new Endings(choose, allowed);
  const queue = rotate(detailQueue(plan.details), plan.variationIndex);

  // The relation's own lines are split between the three cards (two each, from one song-wide
  // order) so no two first verses open alike; the tone's lines fill in after them.
  const relationVerse = song.shuffle(
    (memorial ? relation.remembered : relation.verse).filter(usable),
  );
  const templateOffset = song.pick([0, 1, 2, 3]);
  const generic = [
    ...rotate(relationVerse, plan.variationIndex * 2),
    ...choose.shuffle(tone.verse.filter(usable)),
  ];
  // A memorial's chorus and bridge come from its gentle tones: the relation's are for the living.
  const chorusLines = choose.shuffle(
    (memorial ? tone.chorus : [...relation.chorus, ...tone.chorus]).filter(usable),
  );
  const bridgeLines = choose.shuffle(
    (memorial ? tone.bridge : [...relation.bridge, ...tone.bridge]).filter(usable),
  );
  const occasionLines = [
    ...occasion.lines,
    ...(isRomantic(plan.relation) ? occasion.partnerLines : []),
  ].filter(usable);

  const used = new Set<string>();
  const take = (pool: string[]) => {
    const next = pool.find((t) => !used.has(t)) ?? pool[0]!;
    used.add(next);
    return fill(next, slots);
  };
  const genericLead = () => take(generic);
  const sung: string[] = [];
  // A place already sung inside a memory ("we met in Lisbon") should not get its own line too.
  const nextDetail = () => {
    let detail = queue.shift();
    while (detail && sung.some((s) => overlaps(s, detail!))) detail = queue.shift();
    if (detail) sung.push(detail.value.toLowerCase());
    return detail;
  };
  let detailsSung = 0;
  const detailLead = () => {
    const detail = nextDetail();
    if (!detail) return genericLead();
    const withDetail = { ...slots, [detail.kind]: detail.value };
    const templates = DETAIL_LINES[detail.kind].filter((t) => fits(t, withDetail));
    // Each card starts from a different template, so a one-detail story still opens apart.
    const template = rotate(templates, templateOffset + plan.variationIndex + detailsSung++)[0]!;
    const lead = fill(template, withDetail);
    return allowed(lead) ? lead : genericLead();
  };

  const couplets = (leads: (() => string)[]) => {
    const lines: string[] = [];
    for (let i = 0; i < leads.length; i += 2) {
      const group = endings.group();
      lines.push(line(leads[i]!(), endings.next(group)));
      if (leads[i + 1]) lines.push(line(leads[i + 1]!(), endings.next(group)));
    }
    return lines;
  };

  // Card 0 opens on the story, card 1 on who they are, card 2 on the story's next detail.
  const openings: (() => string)[][] = [
    [detailLead, detailLead, genericLead, detailLead],
    [genericLead, detailLead, detailLead, genericLead],
    [detailLead, genericLead, detailLead, detailLead],
  ];
  const verse1 = couplets(openings[plan.variationIndex % 3]!);

  const chorusGroup = endings.group(4);
  const chorus = [
    line(plan.hook, endings.next(chorusGroup)),
    line(choose.pick(occasionLines), endings.next(chorusGroup)),
    line(fill(chorusLines[0]!, slots), endings.next(chorusGroup)),
    line(plan.hook, endings.next(chorusGroup)),
  ];

  const verse2 = couplets([detailLead, genericLead, detailLead, genericLead]);
  const bridge = couplets([
    () => fill(bridgeLines[0]!, slots),
    () => (queue.length ? detailLead() : fill(bridgeLines[1]!, slots)),
  ]);

  const sections: [string, string[]][] = [
    ['Verse 1', verse1],
    ['Chorus', chorus],
    ['Verse 2', verse2],
    ['Chorus', chorus],
    ['Bridge', bridge],
    ['Chorus', chorus],
  ];
  return sections.map(([tag, lines]) => `[${tag}]\n${lines.join('\n')}`).join('\n\n');
}
