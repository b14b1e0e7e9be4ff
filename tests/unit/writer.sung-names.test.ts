import { describe, expect, it } from 'vitest';
import {
  jsonAsWritten,
  lyricsAsWritten,
  lyricsToSing,
  sungNamesOf,
} from '../../server/writer/sung-names.ts';

const SIOBHAN = [{ name: 'Siobhan', sung: 'shi-VAWN' }];

describe('sungNamesOf: which names are sung another way', () => {
  it('pairs the name with its respelling', () => {
    expect(sungNamesOf({ recipient: 'Siobhan', pronunciation: 'shi-VAWN' })).toEqual(SIOBHAN);
  });

  it('pairs word by word when both have as many words, else the first word takes it all', () => {
    expect(
      sungNamesOf({ recipient: 'Siobhan Murphy', pronunciation: 'shi-VAWN  MUR-fee' }),
    ).toEqual([
      { name: 'Siobhan', sung: 'shi-VAWN' },
      { name: 'Murphy', sung: 'MUR-fee' },
    ]);
    expect(sungNamesOf({ recipient: 'Siobhan Murphy', pronunciation: 'shi-VAWN' })).toEqual(
      SIOBHAN,
    );
    expect(sungNamesOf({ recipient: 'Xiaoming', pronunciation: 'shyow MING' })).toEqual([
      { name: 'Xiaoming', sung: 'shyow MING' },
    ]);
  });

  it('leaves out names said as spelled, and briefs with no pronunciation', () => {
    expect(sungNamesOf({ recipient: 'Ana Silva', pronunciation: 'ana SHIL-vuh' })).toEqual([
      { name: 'Silva', sung: 'SHIL-vuh' },
    ]);
    expect(sungNamesOf({ recipient: 'Ana', pronunciation: '' })).toEqual([]);
    expect(sungNamesOf({ recipient: 'Ana' })).toEqual([]);
    expect(sungNamesOf({ recipient: '  ', pronunciation: 'AH-nuh' })).toEqual([]);
  });
});

describe('lyricsToSing: the lyrics a singer reads', () => {
  it('replaces the name as a whole word, in any case, keeping a possessive', () => {
    const lyrics = [
      '[Verse]',
      'Siobhan, the light of every room',
      "Siobhan's laugh, Siobhan’s tune",
      '[Chorus]',
      'SIOBHAN, siobhan, sing it loud',
    ].join('\n');
    expect(lyricsToSing(lyrics, SIOBHAN)).toBe(
      [
        '[Verse]',
        'shi-VAWN, the light of every room',
        "shi-VAWN's laugh, shi-VAWN’s tune",
        '[Chorus]',
        'shi-VAWN, shi-VAWN, sing it loud',
      ].join('\n'),
    );
  });

  it('leaves words that only contain the name alone', () => {
    const names = [{ name: 'Ana', sung: 'AH-nuh' }];
    expect(lyricsToSing('Ana ate a banana in Anaheim with Ana-Lucia', names)).toBe(
      'AH-nuh ate a banana in Anaheim with AH-nuh-Lucia',
    );
    expect(lyricsToSing('Zoë and Zoe', [{ name: 'Zoë', sung: 'ZOH-ee' }])).toBe('ZOH-ee and Zoe');
  });

  it('changes nothing without sung names', () => {
    expect(lyricsToSing('Siobhan', [])).toBe('Siobhan');
  });
});

describe('lyricsAsWritten: what a singer gives back, spelled right again', () => {
  it('turns each respelling back into the name, however the singer cased or joined it', () => {
    expect(lyricsAsWritten("shi-VAWN's song\nSHI-VAWN, shivawn\nshi vawn", SIOBHAN)).toBe(
      "Siobhan's song\nSiobhan, Siobhan\nSiobhan",
    );
    expect(lyricsAsWritten('a shiver', SIOBHAN)).toBe('a shiver');
  });

  it('gives a line sung as it was sent back exactly as written, case and all', () => {
    const written = "[Chorus]\nSIOBHAN, $& sing it loud\nsiobhan's song";
    const sung = lyricsToSing(written, SIOBHAN);
    expect(sung).toBe("[Chorus]\nshi-VAWN, $& sing it loud\nshi-VAWN's song");
    expect(lyricsAsWritten(sung, SIOBHAN, written)).toBe(written);
    // A line the singer changed is spelled by the brief's name.
    expect(
      lyricsAsWritten('  shi-VAWN sang it  \nSHI-VAWN, $& sing it loud', SIOBHAN, written),
    ).toBe('  Siobhan sang it  \nSIOBHAN, $& sing it loud');
  });

  it('undoes lyricsToSing', () => {
    const lyrics = "[Verse]\nSiobhan's garden, Siobhan Murphy\n";
    const names = sungNamesOf({ recipient: 'Siobhan Murphy', pronunciation: 'shi-VAWN MUR-fee' });
    expect(lyricsToSing(lyrics, names)).toBe("[Verse]\nshi-VAWN's garden, shi-VAWN MUR-fee\n");
    expect(lyricsAsWritten(lyricsToSing(lyrics, names), names)).toBe(lyrics);
  });

  it('reaches every string of timed lyrics, keeping their shape', () => {
    const timed = [
      { index: 0, text: '[Verse]', start: 0, end: 0 },
      { index: 1, text: 'shi-VAWN, the light', start: 0, end: 4000 },
    ];
    expect(jsonAsWritten(timed, SIOBHAN)).toEqual([
      { index: 0, text: '[Verse]', start: 0, end: 0 },
      { index: 1, text: 'Siobhan, the light', start: 0, end: 4000 },
    ]);
    expect(jsonAsWritten(timed, [])).toBe(timed);
    const shouted = [{ text: 'SHI-VAWN, the light' }];
    expect(jsonAsWritten(shouted, SIOBHAN, 'SIOBHAN, the light')).toEqual([
      { text: 'SIOBHAN, the light' },
    ]);
  });
});
