import { describe, expect, it } from 'vitest';
import type { SongBrief } from '../../schema/draft.ts';
import { presetLabel, presetsFor as choicesFor } from '../../schema/presets.ts';
import { relationOf, type RelationKind } from '../../schema/relationship.ts';
import { cleanBrief } from '../../server/writer/brief.ts';
import { misfit } from '../../server/writer/fit.ts';
import { writeLocal } from '../../server/writer/local.ts';
import { presetOfSlot, presetsFor } from '../../server/writer/presets.ts';
import { familyOf } from '../../server/engine/style.ts';
import { storyDetails } from '../../server/writer/story.ts';
import type { WriterOutput } from '../../server/writer/types.ts';

// Songs that fit the person they are for: every relationship kind on every occasion, with stories
// written the way buyers write them (about the recipient, in the third person, with names, places
// and dates), through the built-in writer in all three variations.

type Person = {
  kind: RelationKind;
  name: string;
  relationship: string;
  /** How the story refers to them: subject pronoun, object, possessive, and as a subject noun. */
  she: 'she' | 'he';
  ref: string;
};

const PEOPLE: Person[] = [
  { kind: 'partner', name: 'Maria', relationship: 'my wife', she: 'she', ref: 'Maria' },
  { kind: 'partner', name: 'Daniel', relationship: 'husband', she: 'he', ref: 'Daniel' },
  { kind: 'child', name: 'Sofia', relationship: 'our daughter Sofia', she: 'she', ref: 'Sofia' },
  { kind: 'child', name: 'Leo', relationship: 'my son', she: 'he', ref: 'My son' },
  { kind: 'parent', name: 'Mam', relationship: 'my mom', she: 'she', ref: 'My mom' },
  { kind: 'parent', name: 'Frank', relationship: 'dad', she: 'he', ref: 'Dad' },
  { kind: 'grandparent', name: 'Rose', relationship: 'grandma', she: 'she', ref: 'Grandma' },
  {
    kind: 'grandparent',
    name: 'Walter',
    relationship: 'my grandfather',
    she: 'he',
    ref: 'My grandfather',
  },
  { kind: 'sibling', name: 'Lily', relationship: 'my little sister', she: 'she', ref: 'Lily' },
  { kind: 'sibling', name: 'Jake', relationship: 'big brother', she: 'he', ref: 'Jake' },
  { kind: 'friend', name: 'Priya', relationship: 'best friend', she: 'she', ref: 'Priya' },
  { kind: 'friend', name: 'Tom', relationship: 'my buddy', she: 'he', ref: 'Tom' },
  { kind: 'colleague', name: 'Helen', relationship: 'my boss', she: 'she', ref: 'Helen' },
  { kind: 'colleague', name: 'Raj', relationship: 'coworker', she: 'he', ref: 'Raj' },
  { kind: 'pet', name: 'Rex', relationship: 'my dog Rex', she: 'he', ref: 'Rex' },
  { kind: 'pet', name: 'Luna', relationship: 'our cat', she: 'she', ref: 'Luna' },
  {
    kind: 'grandparent',
    name: 'Arthur',
    relationship: 'in memory of my grandfather',
    she: 'he',
    ref: 'Grandpa',
  },
];

const OCCASIONS = [
  'birthday',
  '10th anniversary',
  "Mother's Day",
  'graduation',
  'wedding',
  'memorial',
  'just because',
  'retirement',
];

const PLACES = ['Lisbon', 'Lake Como', 'Brighton', 'Galway', 'Kyoto', 'Austin'];

function storyFor(p: Person, i: number): { story: string; year: string; place: string } {
  const year = String(1990 + ((i * 7) % 30));
  const place = PLACES[i % PLACES.length]!;
  const cap = p.she === 'she' ? 'She' : 'He';
  const obj = p.she === 'she' ? 'her' : 'him';
  const poss = p.she === 'she' ? 'her' : 'his';
  const stories = [
    `${p.ref} taught me to ride a bike in ${year} and we laughed when I fell. We're proud of ${obj} for being brave.`,
    `${p.ref} always sings in the kitchen. ${cap} makes ${poss} famous lemon cake every Sunday. ${p.name} and I drove to ${place} in ${year}.`,
    `When I was six, ${p.she} took me fishing at ${place} in ${year}. ${cap} never gives up, and ${p.she} makes everyone laugh.`,
  ];
  return { story: stories[i % stories.length]!, year, place };
}

type Case = { person: Person; song: SongBrief; year: string; place: string };

const CASES: Case[] = PEOPLE.flatMap((person, p) =>
  OCCASIONS.map((raw, o) => {
    // A father is sung on Father's Day, not Mother's Day.
    const occasion = raw === "Mother's Day" && person.she === 'he' ? "Father's Day" : raw;
    const { story, year, place } = storyFor(person, p + o);
    const song: SongBrief = {
      recipient: person.name,
      relationship: person.relationship,
      occasion,
      story,
      genre: '',
      mood: '',
      vocals: o % 2 ? 'male' : 'female',
      language: 'English',
    };
    return { person, song, year, place };
  }),
);

// Written once per brief: several checks read the same songs.
const written = new Map<SongBrief, WriterOutput[]>();
function songsOf(song: SongBrief): WriterOutput[] {
  let outs = written.get(song);
  if (!outs) {
    outs = presetsFor(song).map((preset) =>
      writeLocal({ song, form: { songCount: 1 }, preset, songIndex: 0 }),
    );
    written.set(song, outs);
  }
  return outs;
}

const verse1 = (lyrics: string) => lyrics.split('\n\n')[0]!.split('\n').slice(1);
const sungLines = (out: WriterOutput) =>
  out.lyrics.split('\n').filter((l) => l && !l.startsWith('['));

// Kept apart from the writer's own filter on purpose: these are the phrases buyers complained
// about and their near relatives, written from the complaints, not from the code.
const LOVE_SONG =
  /fell for you|sweetest love|aisle|\bkiss|in your arms|my baby|\bbaby\b|\blover\b|darling|hold me close|take my breath|heart skips|hand in mine|you're mine|embrace|soul ?mate|\bi do\b|first dance|my everything|\bmy love\b|love song|\bhoney\b|sweetheart|\bbabe\b|in love\b|romance/i;

// What an untransformed or mangled story fragment looks like once sung to "you".
function fragmentsIn(line: string, person: Person): string[] {
  const found: string[] = [];
  const lower = line.toLowerCase();
  if (/\b(she|he|her|him|his|hers|herself|himself)\b/i.test(line)) found.push('third person');
  // The recipient as the subject of a third-person verb ("Lily always sings", "my mom makes").
  const refs = [
    person.name,
    person.ref,
    person.relationship.replace(/^(my|our|in memory of)\s+/g, ''),
  ];
  for (const ref of refs) {
    const r = ref.toLowerCase().replace(/^my /, '');
    if (
      new RegExp(
        `\\b${r} (always |never )?(is|was|has|does|sings|makes|takes|taught|gives|teaches)\\b`,
      ).test(lower)
    )
      found.push(`third-person subject "${ref}"`);
    if (new RegExp(`\\bmy ${r}\\b`).test(lower) && r !== person.name.toLowerCase())
      found.push(`"my ${r}" about the recipient`);
  }
  // A verb that did not agree with "you", and a subject with no verb ("we proud").
  if (/\byou (always |never )?(is|was|has|does|sings|makes|gives|takes|bakes)\b/i.test(line))
    found.push('verb not turned');
  if (/\b(we|you|i) (proud|brave|happy|glad)\b/i.test(line)) found.push('subject with no verb');
  if (/\b(your|my|our) (we|i|you|she|he|they)\b|\byour we're\b/i.test(line))
    found.push('pronoun after possessive');
  // A present clause in a past frame ("the time we are proud").
  if (/\b(the time|back when|remember how) (we|you|i) (are|is|am|do|does)\b/i.test(line))
    found.push('tense clash');
  return found;
}

describe('songs fit who they are for', () => {
  it(`covers every relationship kind on every occasion (${CASES.length} briefs)`, () => {
    expect(CASES.length).toBeGreaterThanOrEqual(60);
    const kinds = new Set(CASES.map((c) => relationOf(c.song.relationship, c.song.occasion).kind));
    expect([...kinds].sort()).toEqual(
      ['child', 'colleague', 'friend', 'grandparent', 'parent', 'partner', 'pet', 'sibling'].sort(),
    );
    expect(CASES.some((c) => relationOf(c.song.relationship, c.song.occasion).isMemorial)).toBe(
      true,
    );
  });

  it('reads each relationship into its kind', () => {
    for (const p of PEOPLE) expect(relationOf(p.relationship).kind, p.relationship).toBe(p.kind);
    expect(relationOf('in memory of my grandfather')).toEqual({
      kind: 'grandparent',
      isMemorial: true,
    });
    expect(relationOf('my late husband')).toEqual({ kind: 'partner', isMemorial: true });
    expect(relationOf('grandma', 'funeral').isMemorial).toBe(true);
    expect(relationOf('', 'our anniversary').kind).toBe('partner');
    expect(relationOf('', 'birthday').kind).toBe('someone');
    expect(relationOf('girlfriend').kind).toBe('partner');
    expect(relationOf('my best friend').kind).toBe('friend');
  });

  it('never sings love-song words to anyone but a partner', () => {
    for (const { person, song } of CASES) {
      if (person.kind === 'partner') continue;
      for (const out of songsOf(song)) {
        const text = `${out.title}\n${out.lyrics}`;
        expect(LOVE_SONG.exec(text)?.[0], `${song.relationship} / ${song.occasion}:\n${text}`).toBe(
          undefined,
        );
      }
    }
  });

  it('still sings a partner a love song', () => {
    const wife = CASES.filter((c) => c.person.relationship === 'my wife');
    const text = wife.flatMap((c) => songsOf(c.song).map((o) => o.lyrics)).join('\n');
    expect(text).toMatch(LOVE_SONG);
  });

  it('turns the story to "you" and never pastes an untransformed or broken fragment', () => {
    for (const { person, song } of CASES) {
      for (const out of songsOf(song)) {
        for (const line of sungLines(out)) {
          expect(
            fragmentsIn(line, person),
            `${song.relationship} / ${song.occasion}: ${line}`,
          ).toEqual([]);
        }
      }
    }
  });

  it('keeps the story: the turned clause with its date, and places, reach the song', () => {
    let clauses = 0;
    let places = 0;
    for (const { song, year, place } of CASES) {
      // Lines start with a capital, so "You taught me…" is the turned clause too.
      const text = songsOf(song)
        .map((o) => o.lyrics)
        .join('\n')
        .toLowerCase();
      if (
        song.story.includes('ride a bike') &&
        text.includes(`you taught me to ride a bike in ${year}`)
      )
        clauses++;
      if (song.story.includes(place) && text.includes(place.toLowerCase())) places++;
    }
    const bikeStories = CASES.filter((c) => c.song.story.includes('ride a bike')).length;
    const placeStories = CASES.filter((c) => c.song.story.includes(c.place)).length;
    expect(clauses).toBe(bikeStories);
    expect(places).toBe(placeStories);
  });

  it('gives the three variations distinct titles and distinct first verses', () => {
    for (const { song } of CASES) {
      const outs = songsOf(song);
      const where = `${song.relationship} / ${song.occasion}`;
      expect(new Set(outs.map((o) => o.title.toLowerCase())).size, where).toBe(3);
      const firsts = outs.map((o) => verse1(o.lyrics));
      expect(new Set(firsts.map((v) => v.join('\n'))).size, where).toBe(3);
      expect(
        new Set(firsts.map((v) => v[0])).size,
        `${where}: ${firsts.map((v) => v[0]).join(' | ')}`,
      ).toBe(3);
    }
  });

  it('never sings a memorial as a party, nor to someone "glad that you are here"', () => {
    for (const { song } of CASES) {
      if (!relationOf(song.relationship, song.occasion).isMemorial) continue;
      for (const out of songsOf(song))
        expect(out.lyrics, song.relationship).not.toMatch(
          /raise a glass|party|dancing through the night|glad that you're here|let the music play/i,
        );
    }
  });

  it('passes the checks a Groq draft is held to (fit.ts)', () => {
    for (const { song } of CASES) {
      const brief = cleanBrief(song);
      for (const out of songsOf(song)) expect(misfit(out, brief), song.relationship).toBeNull();
    }
    // Every case's songs written and checked: 20 s of CPU alone on a loaded 2-core machine, more
    // beside the rest of the unit suite.
  }, 120_000);

  it('keeps odd briefs fitting: no name, a relationship that sounds like a love song, a title', () => {
    const odd: SongBrief[] = [
      { ...CASES[0]!.song, recipient: '', relationship: 'my baby girl', occasion: 'birthday' },
      { ...CASES[0]!.song, recipient: 'Dr. Who', relationship: 'my cat Tom', occasion: '' },
      { ...CASES[0]!.song, recipient: '', relationship: 'the team', occasion: 'retirement' },
    ];
    for (const song of odd) {
      const brief = cleanBrief(song);
      for (const out of songsOf(song)) {
        expect(misfit(out, brief), song.relationship).toBeNull();
        expect(out.lyrics).not.toMatch(LOVE_SONG);
      }
    }
  });

  it('reads the relationship whole, as the cards do, though the prompt shows only 30 characters', () => {
    const song = {
      ...CASES[0]!.song,
      recipient: 'Ada',
      relationship: 'in loving memory of my grandmother',
      occasion: 'birthday',
    };
    expect(cleanBrief(song).relation).toEqual({ kind: 'grandparent', isMemorial: true });
    expect(choicesFor(song)[0]!.label).toBe('Tender & reflective');
  });

  it('names the recipient in every song', () => {
    for (const { song } of CASES) {
      for (const out of songsOf(song))
        expect(out.lyrics, song.relationship).toContain(song.recipient);
    }
  });

  it('calls each occasion by its name, never "just because" for a named day', () => {
    for (const { song } of CASES.filter((c) => /Mother's|Father's/.test(c.song.occasion))) {
      for (const out of songsOf(song)) {
        expect(`${out.title} ${out.lyrics} ${out.musicPrompt}`).not.toMatch(/just because/i);
        expect(out.musicPrompt).toMatch(/(Mother|Father)'s Day song/);
      }
    }
    const christmas = songsOf({ ...CASES[4]!.song, occasion: 'Christmas' });
    for (const out of christmas) {
      expect(`${out.title} ${out.lyrics}`).not.toMatch(/just because/i);
      expect(out.musicPrompt).toContain('Christmas song');
    }
  });
});

describe('variations fit who they are for', () => {
  it('offers "Poetic & romantic" only to a living partner', () => {
    for (const { person, song } of CASES) {
      const labels = choicesFor(song).map((c) => c.label);
      const relation = relationOf(song.relationship, song.occasion);
      const romantic =
        person.kind === 'partner' && !relation.isMemorial && song.occasion !== 'memorial';
      expect(labels.includes('Poetic & romantic'), `${song.relationship} / ${song.occasion}`).toBe(
        romantic && !/graduation|retirement/.test(song.occasion),
      );
      expect(new Set(labels).size).toBe(3);
    }
  });

  it('gives the client the labels of the presets the server writes with', () => {
    for (const { song } of CASES) {
      const server = presetsFor(song);
      const client = choicesFor(song);
      expect(server.map((p) => p.id)).toEqual(client.map((c) => c.id));
      expect(server.map((p) => p.label)).toEqual(client.map((c) => c.label));
      for (const p of server) expect(presetLabel(p.id)).toBe(p.label);
    }
  });

  it('writes a stored slot with the preset its id names, and the engine hears its family', () => {
    const dad = { relationship: 'dad', occasion: 'birthday' };
    const old = presetOfSlot(dad, 'birthday-poetic-romantic', 0);
    expect([old.id, old.label, old.variation]).toEqual([
      'birthday-poetic-romantic',
      'Poetic & romantic',
      'poetic-romantic',
    ]);
    expect(presetOfSlot(dad, 'no-such-preset', 2)).toEqual(presetsFor(dad)[2]);
    expect(familyOf('warm-tender')).toBe('heartfelt');
    expect(familyOf('sweet-silly')).toBe('playful');
    expect(familyOf('proud-uplifting')).toBe('heartfelt');
    expect(familyOf('poetic-romantic')).toBe('romantic');
  });

  it('still labels ids stored before relationships chose the variations', () => {
    expect(presetLabel('birthday-poetic-romantic')).toBe('Poetic & romantic');
    expect(presetLabel('graduation-poetic-proud')).toBe('Poetic & proud');
    expect(presetLabel('memorial-tender-reflective')).toBe('Tender & reflective');
    expect(presetLabel('justBecause-heartfelt-emotional')).toBe('Heartfelt & emotional');
    expect(presetLabel('something-else')).toBeNull();
  });
});

describe('story clauses', () => {
  const details = (story: string, name: string, relationship: string, memorial = false) => {
    const relation = relationOf(relationship);
    const words = relationship
      .toLowerCase()
      .split(/\s+/)
      .filter((w) => !['my', 'our'].includes(w));
    const d = storyDetails(story, name, {
      relationWords: words,
      isMemorial: memorial || relation.isMemorial,
    });
    return [...d.memory, ...d.you, ...d.now];
  };

  it('turns the buyer\'s third person into "you" and keeps "I" and "we"', () => {
    expect(
      details('She taught me to ride a bike in 1998 and we laughed when I fell.', 'Lily', 'sister'),
    ).toEqual(['you taught me to ride a bike in 1998', 'we laughed when I fell']);
    expect(details("We're proud of you for being brave.", 'Lily', 'sister')).toEqual([
      'we are proud of you for being brave',
    ]);
    expect(
      details(
        'My mom always sings in the kitchen and she bakes her famous lemon cake.',
        'Ann',
        'mom',
      ),
    ).toEqual(['you always sing in the kitchen', 'you bake your famous lemon cake']);
    expect(details('Mom and I went to Paris in 2010. She and I cooked.', 'Ann', 'mom')).toEqual([
      'you and I went to Paris in 2010',
      'you and I cooked',
    ]);
    expect(details('Rex chews my shoes. I love him so much.', 'Rex', 'dog')).toEqual([
      'you chew my shoes',
      'I love you so much',
    ]);
  });

  it('sings what belongs to them as "your", and moves an opening "when" after the verb', () => {
    expect(
      details("Her laugh is contagious. Lily's smile lights up every room.", 'Lily', 'sister'),
    ).toEqual(['your laugh is contagious', 'your smile lights up every room']);
    expect(
      details('In 1998 she taught me to swim. Every Sunday she calls me.', 'Lily', 'sister'),
    ).toEqual(['you taught me to swim in 1998', 'you call me every Sunday']);
  });

  it('sings a memorial in the past tense', () => {
    expect(
      details(
        "Grandma always sings in the garden. Grandma's laugh is warm.",
        'Rose',
        'grandma',
        true,
      ),
    ).toEqual(['you always sang in the garden', 'your laugh was warm']);
  });

  it('leaves out what it cannot make whole rather than mangling it', () => {
    // No verb after the subject, another person as the subject, a question: nothing to sing.
    expect(details('We so proud. Dad threw a party. Is she happy?', 'Lily', 'sister')).toEqual([]);
  });
});
