import { beforeAll, describe, expect, it } from 'vitest';
import {
  pronouncingDictionary,
  respell,
  suggestRespellings,
  type PronouncingDictionary,
} from '../../server/writer/respelling.ts';

// The respelling table of docs/writer.md, phone by phone, then the names a person is likely to
// type, as the CMU Pronouncing Dictionary (the package the server keeps) says them.

describe('respell: ARPAbet to a readable respelling', () => {
  it.each([
    ['SH IH0 V AO1 N', 'shi-VAWN'],
    ['SH AH0 V AO1 N', 'shuh-VAWN'],
    // Vowels, stressed alone in a word so each is in capitals.
    ['F AA1 DH ER0', 'FAH-dher'],
    ['K AE1 T', 'KAT'],
    ['K AH1 P', 'KUP'],
    ['TH AO1 T', 'THAWT'],
    ['M AW1 TH', 'MOWTH'],
    ['K AY1', 'KY'],
    ['AY1 L AH0 N', 'EYE-luhn'],
    ['K AY1 L', 'KYLE'],
    ['D R EH1 S', 'DRES'],
    ['N ER1 S', 'NURS'],
    ['F EY1 S', 'FAYS'],
    ['K IH1 T', 'KIT'],
    ['F L IY1 S', 'FLEES'],
    ['G OW1 T', 'GOTE'],
    ['CH OY1 S', 'CHOYS'],
    ['F UH1 T', 'FUUT'],
    ['G UW1 S', 'GOOS'],
    // Consonants spelled in two letters.
    ['JH AH1 NG K SH AH0 N', 'JUNGK-shuhn'],
    ['M EH1 ZH ER0', 'MEZH-er'],
    ['HH AA1 L OW0', 'HAH-loh'],
  ])('%s → %s', (arpabet, expected) => {
    expect(respell(arpabet)).toBe(expected);
  });

  it('gives a syllable its consonants by how English starts one: "DEER-druh", "a-nuh-STAY-zhuh"', () => {
    expect(respell('D IY1 R D R AH0')).toBe('DEER-druh');
    expect(respell('AE0 N AH0 S T EY1 ZH AH0')).toBe('a-nuh-STAY-zhuh');
    expect(respell('S AH0 B AE1 S CH AH0 N')).toBe('suh-BAS-chuhn');
  });

  it('keeps a stressed short vowel closed before an unstressed syllable, not before a stressed one', () => {
    expect(respell('M AE1 TH Y UW0')).toBe('MATH-yoo');
    expect(respell('IH2 V AA1 N')).toBe('i-VAHN');
  });

  it('writes "eh" where a syllable ends on that vowel, so it is not read "ee"', () => {
    expect(respell('M EY1 R EH0')).toBe('MAY-reh');
    expect(respell('P AH0 N EH1 L AH0 P IY0')).toBe('puh-NEL-uh-pee');
  });
});

describe('suggestRespellings from the CMU Pronouncing Dictionary', () => {
  let dictionary: PronouncingDictionary;
  beforeAll(async () => {
    dictionary = await pronouncingDictionary();
  });

  // The first respelling of each, as the dictionary's first pronunciation gives it.
  const KNOWN: [string, string][] = [
    ['Joaquin', 'wah-KEEN'],
    ['Xavier', 'ZAY-vyer'],
    ['Sean', 'SHAWN'],
    ['Zoe', 'ZOH-ee'],
    ['Chloe', 'KLOH-ee'],
    ['Nguyen', 'noo-YEN'],
    ['Ian', 'EE-uhn'],
    ['Aaliyah', 'ah-LEE-ah'],
    ['Giovanni', 'jee-oh-VAH-nee'],
    ['Michael', 'MY-kuhl'],
    ['Elizabeth', 'i-LIZ-uh-buhth'],
    ['Jose', 'hoh-ZAY'],
    ['Mohammed', 'moh-HAM-id'],
    ['Sinead', 'si-NAY-ad'],
    ['Graham', 'GRAY-uhm'],
    ['Leigh', 'LEE'],
    ['Kai', 'KY'],
    ['Isabella', 'iz-uh-BEL-uh'],
    ['Sophia', 'soh-FEE-uh'],
    ['Matthew', 'MATH-yoo'],
    ['Catherine', 'KATH-er-uhn'],
    ['Thomas', 'TAH-muhs'],
    ['Penelope', 'puh-NEL-uh-pee'],
    ['Deirdre', 'DEER-druh'],
    ['Rhys', 'REES'],
    ['Dylan', 'DIL-uhn'],
    ['Chiara', 'KYAH-ruh'],
    ['Luca', 'LOO-kuh'],
    ['Anastasia', 'a-nuh-STAY-zhuh'],
    ['Genevieve', 'JEN-uh-veev'],
    ['Jacqueline', 'JAK-wuh-lin'],
    ['Yvonne', 'i-VAHN'],
    ['Aisling', 'AY-sling'],
    ['Sebastian', 'suh-BAS-chuhn'],
    ['Amelia', 'uh-MEE-lyuh'],
    ['Charlotte', 'SHAHR-luht'],
    ['Ayesha', 'EYE-sah'],
    ['Hamish', 'HAM-ish'],
    ['Angus', 'ANG-guhs'],
    ['Freya', 'FRAY-uh'],
    ['Ingrid', 'ING-grid'],
    ['Mairead', 'MAY-reh'],
    ['Kyle', 'KYLE'],
    ['Joan', 'JONE'],
    ['Caitlin', 'KAYT-lin'],
  ];

  it.each(KNOWN)('%s → %s first', (name, expected) => {
    expect(suggestRespellings(dictionary, name)[0]).toBe(expected);
  });

  it('offers every way the dictionary lists, most common first: Siobhan, Niamh', () => {
    expect(suggestRespellings(dictionary, 'Siobhan')).toEqual(['SHOW-bahn', 'shuh-VAWN']);
    expect(suggestRespellings(dictionary, 'Niamh')).toEqual(['NY-uhm', 'NEEV']);
    expect(suggestRespellings(dictionary, 'Jacqueline')).toHaveLength(3);
  });

  it.each(['Aoife', 'Saoirse', 'Oisin', 'Caoimhe', 'Tadhg', 'Priya', 'Zxqv'])(
    'gives no suggestion for %s, which the dictionary does not know',
    (name) => {
      expect(suggestRespellings(dictionary, name)).toEqual([]);
    },
  );

  it('looks a possessive up as the name, in any case, with either apostrophe', () => {
    expect(suggestRespellings(dictionary, "Siobhan's")).toEqual(['SHOW-bahn', 'shuh-VAWN']);
    expect(suggestRespellings(dictionary, 'XAVIER’S')).toEqual(['ZAY-vyer']);
  });

  it('respells each word of a full name, and none when one word is unknown', () => {
    expect(suggestRespellings(dictionary, 'Siobhan Murphy')).toEqual([
      'SHOW-bahn MUR-fee',
      'shuh-VAWN MUR-fee',
    ]);
    expect(suggestRespellings(dictionary, 'Mary-Kate')).toEqual(['MER-ee KAYT']);
    expect(suggestRespellings(dictionary, 'Aoife Murphy')).toEqual([]);
    expect(suggestRespellings(dictionary, '  ')).toEqual([]);
  });
});
