import { escapeRegExp } from './text.ts';

// MusicGPT rejects prompts and lyrics that name real artists, so every output passes through
// `scrubArtists`. Each entry carries a style description to use in the name's place, which keeps
// the buyer's intent ("like Taylor Swift") without the name.

export type Artist = {
  names: readonly string[];
  style: string;
  /** For names that are also ordinary words ("Queen", "Cher"): only the capitalised form counts. */
  caseSensitive?: boolean;
};

export const ARTISTS: readonly Artist[] = [
  // Pop
  { names: ['Taylor Swift'], style: 'confessional country-pop' },
  { names: ['Ed Sheeran'], style: 'loop-pedal acoustic pop' },
  { names: ['Adele'], style: 'soulful piano-ballad' },
  { names: ['Beyoncé', 'Beyonce'], style: 'powerhouse R&B-pop' },
  { names: ['Rihanna'], style: 'sleek Caribbean-tinged pop' },
  { names: ['Ariana Grande'], style: 'airy high-register pop R&B' },
  { names: ['Billie Eilish'], style: 'whispery dark minimal pop' },
  { names: ['Justin Bieber'], style: 'smooth mainstream pop' },
  { names: ['Lady Gaga'], style: 'theatrical dance-pop' },
  { names: ['Katy Perry'], style: 'bright bubblegum pop' },
  { names: ['Bruno Mars'], style: 'retro funk-pop' },
  { names: ['Dua Lipa'], style: 'nu-disco pop' },
  { names: ['The Weeknd', 'Weeknd'], style: 'neon synthwave R&B' },
  { names: ['Harry Styles'], style: 'retro soft-rock pop' },
  { names: ['Olivia Rodrigo'], style: 'angsty pop-punk balladry' },
  { names: ['Shawn Mendes'], style: 'earnest acoustic pop' },
  { names: ['Sabrina Carpenter'], style: 'cheeky retro pop' },
  { names: ['Selena Gomez'], style: 'soft breathy pop' },
  { names: ['Miley Cyrus'], style: 'raspy pop-rock' },
  { names: ['Britney Spears'], style: 'glossy late-90s pop' },
  { names: ['Christina Aguilera'], style: 'big-voiced pop soul' },
  { names: ['Mariah Carey'], style: 'melismatic 90s R&B-pop' },
  { names: ['Whitney Houston'], style: 'soaring gospel-tinged pop ballad' },
  { names: ['Celine Dion', 'Céline Dion'], style: 'grand cinematic power ballad' },
  { names: ['Madonna'], style: 'iconic 80s dance-pop' },
  { names: ['Michael Jackson'], style: 'slick 80s pop-funk' },
  { names: ['Elton John'], style: 'piano-led 70s pop-rock' },
  { names: ['Elvis Presley', 'Elvis'], style: '50s rock and roll crooning' },
  { names: ['Frank Sinatra', 'Sinatra'], style: 'big-band swing crooning' },
  { names: ['Dean Martin'], style: 'easy-going lounge crooning' },
  { names: ['Michael Bublé', 'Michael Buble'], style: 'modern swing crooning' },
  { names: ['Norah Jones'], style: 'smoky jazz-pop' },
  { names: ['Lana Del Rey'], style: 'languid cinematic dream-pop' },
  { names: ['Sia'], style: 'raw-voiced anthemic pop', caseSensitive: true },
  { names: ['Lizzo'], style: 'brassy feel-good funk-pop' },
  { names: ['Doja Cat'], style: 'playful pop-rap' },
  { names: ['SZA'], style: 'hazy alt-R&B', caseSensitive: true },
  { names: ['Charli XCX'], style: 'hyperactive electro-pop' },
  { names: ['Lorde'], style: 'minimal art-pop' },
  { names: ['Halsey'], style: 'moody alt-pop' },
  { names: ['Camila Cabello'], style: 'Latin-tinged pop' },
  { names: ['Shakira'], style: 'Latin pop-rock' },
  { names: ['Jennifer Lopez', 'J.Lo', 'JLo'], style: 'Latin dance-pop' },
  { names: ['Sam Smith'], style: 'falsetto soul ballad' },
  { names: ['Lewis Capaldi'], style: 'raspy heartbreak piano ballad' },
  { names: ['James Arthur'], style: 'gravelly pop ballad' },
  { names: ['George Ezra'], style: 'sunny baritone folk-pop' },
  { names: ['Jason Mraz'], style: 'breezy acoustic pop' },
  { names: ['John Mayer'], style: 'bluesy guitar pop' },
  { names: ['Jack Johnson'], style: 'laid-back surf-folk' },
  { names: ['Vance Joy'], style: 'ukulele folk-pop' },
  { names: ['Hozier'], style: 'soulful gothic folk' },
  { names: ['John Legend'], style: 'smooth piano soul' },
  { names: ['Alicia Keys'], style: 'piano-driven neo-soul' },
  { names: ['Usher'], style: 'silky dance R&B', caseSensitive: true },
  // Groups and bands
  { names: ['Coldplay'], style: 'anthemic piano-led alt-pop' },
  { names: ['Imagine Dragons'], style: 'stomping arena pop-rock' },
  { names: ['Maroon 5'], style: 'funky radio pop-rock' },
  { names: ['OneRepublic'], style: 'uplifting piano pop-rock' },
  { names: ['One Direction'], style: 'boy-band pop-rock' },
  { names: ['BTS'], style: 'polished K-pop', caseSensitive: true },
  { names: ['Blackpink', 'BLACKPINK'], style: 'high-energy K-pop' },
  { names: ['Backstreet Boys'], style: 'harmony-rich 90s boy-band pop' },
  { names: ['NSYNC', '*NSYNC', "'N Sync"], style: 'crisp 90s boy-band pop' },
  { names: ['Spice Girls'], style: 'sassy 90s girl-group pop' },
  { names: ['ABBA'], style: 'sparkling 70s Euro-pop', caseSensitive: true },
  { names: ['Bee Gees'], style: 'falsetto disco' },
  { names: ['The Beatles', 'Beatles'], style: 'jangly 60s British pop' },
  { names: ['The Rolling Stones', 'Rolling Stones'], style: 'swaggering blues-rock' },
  { names: ['Queen'], style: 'operatic glam-rock', caseSensitive: true },
  { names: ['Led Zeppelin'], style: 'heavy 70s blues-rock' },
  { names: ['Pink Floyd'], style: 'spacey progressive rock' },
  { names: ['Nirvana'], style: 'raw 90s grunge', caseSensitive: true },
  { names: ['Metallica'], style: 'thrash metal' },
  { names: ['AC/DC', 'ACDC'], style: 'riff-driven hard rock' },
  { names: ["Guns N' Roses", 'Guns N Roses', 'Guns and Roses'], style: '80s hard rock' },
  { names: ['Bon Jovi'], style: 'big-chorus 80s arena rock' },
  { names: ['Aerosmith'], style: 'bluesy arena rock' },
  { names: ['U2'], style: 'chiming stadium rock', caseSensitive: true },
  { names: ['Radiohead'], style: 'atmospheric art-rock' },
  { names: ['Oasis'], style: 'swaggering 90s Britpop', caseSensitive: true },
  { names: ['Arctic Monkeys'], style: 'wiry indie rock' },
  {
    names: ['The Killers', 'Killers'],
    style: 'synth-laced anthemic indie rock',
    caseSensitive: true,
  },
  { names: ['Foo Fighters'], style: 'driving alt-rock' },
  { names: ['Green Day'], style: 'punchy pop-punk' },
  { names: ['Linkin Park'], style: 'nu-metal with rap verses' },
  { names: ['Red Hot Chili Peppers'], style: 'funky alt-rock' },
  { names: ['Fleetwood Mac'], style: 'breezy 70s soft rock' },
  { names: ['Eagles', 'The Eagles'], style: 'west-coast country rock', caseSensitive: true },
  { names: ['Mumford & Sons', 'Mumford and Sons'], style: 'stomping banjo folk-rock' },
  { names: ['The Lumineers', 'Lumineers'], style: 'stomp-clap indie folk' },
  { names: ['Of Monsters and Men'], style: 'shout-along indie folk' },
  { names: ['Daft Punk'], style: 'filtered French house' },
  { names: ['Swedish House Mafia'], style: 'euphoric progressive house' },
  // Singer-songwriters and legends
  { names: ['Bruce Springsteen', 'Springsteen'], style: 'heartland rock' },
  { names: ['Bob Dylan'], style: 'harmonica-laced 60s folk' },
  { names: ['Bob Marley'], style: 'roots reggae' },
  { names: ['David Bowie', 'Bowie'], style: 'glam art-rock' },
  { names: ['Freddie Mercury'], style: 'operatic glam-rock' },
  { names: ['Prince'], style: 'Minneapolis funk-pop', caseSensitive: true },
  { names: ['Tina Turner'], style: 'fiery soul-rock' },
  { names: ['Cher'], style: 'big-voiced disco-pop', caseSensitive: true },
  { names: ['Sting'], style: 'jazzy sophisticated pop-rock', caseSensitive: true },
  { names: ['Phil Collins'], style: 'gated-drum 80s pop-rock' },
  { names: ['Billy Joel'], style: 'storytelling piano rock' },
  { names: ['Lionel Richie'], style: 'smooth 80s soul ballad' },
  { names: ['Rod Stewart'], style: 'raspy soft-rock' },
  { names: ['Neil Diamond'], style: 'big-hearted 70s singalong pop' },
  { names: ['Barry Manilow'], style: 'lush 70s showtune pop' },
  { names: ['Bryan Adams'], style: 'raspy 80s rock ballad' },
  { names: ['Stevie Wonder'], style: 'joyful 70s soul-funk' },
  { names: ['Marvin Gaye'], style: 'silky Motown soul' },
  { names: ['Aretha Franklin'], style: 'powerhouse gospel soul' },
  { names: ['Ray Charles'], style: 'piano rhythm and blues' },
  { names: ['Al Green'], style: 'sweet Memphis soul' },
  { names: ['Otis Redding'], style: 'horn-driven 60s soul' },
  { names: ['Louis Armstrong'], style: 'warm trumpet-led jazz' },
  { names: ['Ella Fitzgerald'], style: 'swinging jazz standard' },
  { names: ['Nat King Cole'], style: 'velvet jazz crooning' },
  { names: ['Tony Bennett'], style: 'classic jazz crooning' },
  { names: ['Andrea Bocelli'], style: 'classical crossover tenor' },
  { names: ['Josh Groban'], style: 'classical-pop baritone' },
  // Country
  { names: ['Johnny Cash'], style: 'boom-chicka-boom outlaw country' },
  { names: ['Dolly Parton'], style: 'bright storytelling country' },
  { names: ['Willie Nelson'], style: 'laid-back outlaw country' },
  { names: ['Garth Brooks'], style: '90s arena country' },
  { names: ['Shania Twain'], style: 'sassy 90s country-pop' },
  { names: ['Luke Combs'], style: 'big-voiced modern country' },
  { names: ['Morgan Wallen'], style: 'twangy modern country' },
  { names: ['Chris Stapleton'], style: 'gritty soulful country' },
  { names: ['Carrie Underwood'], style: 'powerhouse country-pop' },
  { names: ['Kacey Musgraves'], style: 'dreamy cosmic country' },
  { names: ['Zach Bryan'], style: 'raw heartland country-folk' },
  { names: ['Luke Bryan'], style: 'feel-good party country' },
  { names: ['Keith Urban'], style: 'guitar-driven country-pop' },
  { names: ['Tim McGraw'], style: 'warm mainstream country' },
  { names: ['Kenny Chesney'], style: 'beachy island country' },
  { names: ['Blake Shelton'], style: 'easy-going mainstream country' },
  // Hip-hop and Latin
  { names: ['Eminem'], style: 'rapid-fire storytelling rap' },
  { names: ['Drake'], style: 'moody melodic rap', caseSensitive: true },
  { names: ['Kanye West', 'Kanye'], style: 'soul-sampling hip-hop' },
  { names: ['Kendrick Lamar'], style: 'jazz-laced conscious rap' },
  { names: ['Jay-Z', 'Jay Z'], style: 'boom-bap hip-hop' },
  { names: ['Travis Scott'], style: 'psychedelic trap' },
  { names: ['Post Malone'], style: 'melodic genre-blending pop-rap' },
  { names: ['Snoop Dogg'], style: 'laid-back west-coast G-funk' },
  { names: ['Tupac', '2Pac'], style: '90s west-coast rap' },
  { names: ['Nicki Minaj'], style: 'punchy pop-rap' },
  { names: ['Cardi B'], style: 'brash club rap' },
  { names: ['Bad Bunny'], style: 'reggaeton and Latin trap' },
  { names: ['J Balvin'], style: 'colourful reggaeton' },
  { names: ['Daddy Yankee'], style: 'classic reggaeton' },
  { names: ['Karol G'], style: 'bright Latin urban pop' },
  { names: ['Rosalía', 'Rosalia'], style: 'flamenco-infused pop' },
  { names: ['Marc Anthony'], style: 'romantic salsa' },
  { names: ['Enrique Iglesias'], style: 'Latin pop ballad' },
  { names: ['Ricky Martin'], style: 'upbeat Latin pop' },
  { names: ['Luis Fonsi'], style: 'Latin pop with reggaeton groove' },
  // Electronic
  { names: ['Avicii'], style: 'folk-tinged EDM' },
  { names: ['Calvin Harris'], style: 'sunny dance-pop' },
  { names: ['David Guetta'], style: 'big-room EDM pop' },
  { names: ['Marshmello'], style: 'bouncy future-bass pop' },
  { names: ['Kygo'], style: 'tropical house' },
];

// Phrases that introduce a reference ("like Adele"); the whole phrase becomes a style description.
const LEAD_IN =
  '(?:in the (?:style|vein) of|(?:sounds?|sounding) like|similar to|reminiscent of|inspired by|influenced by|à la|a la|just like|like)';
const TRAIL = "(?:['’]s)?(?:-(?:style|esque|like|inspired))?(?:\\s+(?:songs?|music|vibes?|style))?";

function namePattern(name: string): string {
  const words = name
    .replace(/^the\s+/i, '')
    .split(/\s+/)
    .map(escapeRegExp);
  const body = words.join('\\s+').replace(/'/g, "['’]");
  return /^the\s/i.test(name) ? `(?:the\\s+)?${body}` : body;
}

// Match keys ignore case, spacing, a leading "the" and the apostrophe style.
function keyOf(name: string): string {
  return name
    .toLowerCase()
    .replace(/[’]/g, "'")
    .replace(/^the\s+/, '')
    .replace(/\s+/g, ' ')
    .trim();
}

type Matcher = { regex: RegExp; styleByKey: Map<string, string> };

function buildMatcher(entries: readonly Artist[], flags: string): Matcher {
  const styleByKey = new Map<string, string>();
  const names: string[] = [];
  for (const entry of entries) {
    for (const name of entry.names) {
      styleByKey.set(keyOf(name), entry.style);
      names.push(name);
    }
  }
  // Longest first so "Michael Buble" wins over a shorter overlapping name.
  names.sort((a, b) => b.length - a.length);
  const alternatives = names.map(namePattern).join('|');
  const leadIn = flags.includes('i') ? LEAD_IN : insensitive(LEAD_IN);
  const trail = flags.includes('i') ? TRAIL : insensitive(TRAIL);
  const source = `(?<![\\p{L}\\p{N}])(?:(${leadIn})\\s+)?(${alternatives})(?![\\p{L}\\p{N}])${trail}`;
  return { regex: new RegExp(source, flags), styleByKey };
}

// Lets the connective words of a case-sensitive pattern match in any case ("Like Queen").
function insensitive(source: string): string {
  return source.replace(/\\.|[a-z]/g, (ch) =>
    ch.length === 1 ? `[${ch}${ch.toUpperCase()}]` : ch,
  );
}

const MATCHERS: readonly Matcher[] = [
  buildMatcher(
    ARTISTS.filter((a) => !a.caseSensitive),
    'giu',
  ),
  buildMatcher(
    ARTISTS.filter((a) => a.caseSensitive),
    'gu',
  ),
];

/**
 * describe: "like Adele" becomes "in a soulful piano-ballad style" (sentences stay sentences).
 * bare: the whole reference becomes the style alone, for fields that are themselves a style.
 * remove: the name goes, for a recipient's name where a description would read as nonsense.
 */
export type ScrubMode = 'describe' | 'bare' | 'remove';

export function scrubArtists(text: string, mode: ScrubMode = 'describe'): string {
  let out = text;
  for (const { regex, styleByKey } of MATCHERS) {
    regex.lastIndex = 0;
    if (!regex.test(out)) continue;
    regex.lastIndex = 0;
    out = out.replace(regex, (_match, leadIn: string | undefined, name: string) => {
      if (mode === 'remove') return ' ';
      const style = styleByKey.get(keyOf(name.replace(/\s+/g, ' '))) ?? 'contemporary';
      return leadIn && mode === 'describe' ? `in a ${style} style` : style;
    });
  }
  return out === text ? text : out.replace(/ {2,}/g, ' ').trim();
}

export function mentionsArtist(text: string): boolean {
  return MATCHERS.some(({ regex }) => {
    regex.lastIndex = 0;
    return regex.test(text);
  });
}
