import { DETAIL_LINES, DETAIL_ORDER, TONES, type DetailKind } from './lines.ts';
import { OCCASIONS, type OccasionKind } from './occasions.ts';
import { RHYME_KEYS, RHYMES } from './rhymes.ts';
import type { Chooser } from './seed.ts';
import type { StoryDetails } from './story.ts';
import { capitalise } from './text.ts';
import { fill, fits, type Slots } from './title.ts';
import type { Tone } from './types.ts';

// Song form: [Verse 1] AABB, [Chorus] AAAA built on the title hook, [Verse 2] AABB, [Chorus],
// [Bridge] AA, [Chorus]. Verses spend the story's details; the chorus carries the hook.

type Detail = { kind: DetailKind; value: string };

export type LyricsPlan = {
  tone: Tone;
  occasion: OccasionKind;
  hook: string;
  /** The recipient, or a fallback such as "my love" when no name was given. */
  name: string;
  details: StoryDetails;
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

// Clauses may repeat a name already sung; a bare name or object may not repeat a clause or name.
function overlaps(sung: string, detail: Detail): boolean {
  const value = detail.value.toLowerCase();
  if (sung.includes(value)) return true;
  return detail.kind !== 'memory' && detail.kind !== 'you' && value.includes(sung);
}

function line(lead: string, ending: string): string {
  return `${capitalise(lead.replace(/[\s,.;:!?]+$/u, ''))}, ${ending}`;
}

class Endings {
  private readonly byGroup = new Map<string, string[]>();
  private readonly groups: string[];

  constructor(private readonly choose: Chooser) {
    this.groups = choose.shuffle(RHYME_KEYS);
  }

  /** A fresh rhyme group with its endings shuffled; each ending is used once per song. */
  group(): string {
    const key = this.groups.shift();
    if (!key) throw new Error('ran out of rhyme groups');
    this.byGroup.set(key, this.choose.shuffle(RHYMES[key]!.endings));
    return key;
  }

  next(group: string): string {
    const endings = this.byGroup.get(group)!;
    const ending = endings.shift();
    if (!ending) throw new Error(`rhyme group ${group} has too few endings`);
    return ending;
  }
}

export function composeLyrics(plan: LyricsPlan, choose: Chooser): string {
  const bank = TONES[plan.tone];
  const slots: Slots = { name: plan.name };
  const endings = new Endings(choose);
  const queue = detailQueue(plan.details);
  const generic = choose.shuffle(bank.verse.filter((t) => fits(t, slots)));

  const genericLead = () => fill(generic.shift() ?? choose.pick(bank.chorus), slots);
  const sung: string[] = [];
  // A place already sung inside a memory ("we met in Lisbon") should not get its own line too.
  const nextDetail = () => {
    let detail = queue.shift();
    while (detail && sung.some((s) => overlaps(s, detail!))) detail = queue.shift();
    if (detail) sung.push(detail.value.toLowerCase());
    return detail;
  };
  const detailLead = () => {
    const detail = nextDetail();
    if (!detail) return genericLead();
    const withDetail = { ...slots, [detail.kind]: detail.value };
    const template = choose.pick(DETAIL_LINES[detail.kind].filter((t) => fits(t, withDetail)));
    return fill(template, withDetail);
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

  const verse1 = couplets([detailLead, detailLead, genericLead, detailLead]);

  const chorusGroup = endings.group();
  const chorus = [
    line(plan.hook, endings.next(chorusGroup)),
    line(choose.pick(OCCASIONS[plan.occasion].lines), endings.next(chorusGroup)),
    line(fill(choose.pick(bank.chorus), slots), endings.next(chorusGroup)),
    line(plan.hook, endings.next(chorusGroup)),
  ];

  const verse2 = couplets([detailLead, genericLead, detailLead, genericLead]);
  const bridgeLeads = choose.shuffle(bank.bridge.filter((t) => fits(t, slots)));
  const bridge = couplets([
    () => fill(bridgeLeads[0]!, slots),
    () => (queue.length ? detailLead() : fill(bridgeLeads[1]!, slots)),
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
