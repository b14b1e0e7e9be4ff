// Love-song vocabulary: what a song for a sister, a grandmother, a friend or a dog must never say.
// One list serves both writers: the built-in writer filters every line, ending and title through
// it, and a Groq draft that uses it in a non-romantic song is refused (fit.ts).

/** The phrases, most telling first: the Groq brief lists the first of them as words to avoid. */
export const ROMANTIC_PHRASES: readonly string[] = [
  'fell for you',
  'falling for you',
  'fall for you',
  'in love',
  'falling in love',
  'sweetest love',
  'love song',
  'love of my life',
  'lover',
  'lovers',
  'darling',
  'my baby',
  'baby',
  'babe',
  'honey',
  'sweetheart',
  'kiss',
  'kisses',
  'kissed',
  'kissing',
  'aisle',
  'in your arms',
  'in my arms',
  'hold me close',
  'hold me tight',
  'take my breath',
  'breath away',
  'heart skips',
  'skips a beat',
  'your hand in mine',
  "you're mine",
  'be mine',
  'forever mine',
  'embrace',
  'soulmate',
  'soul mate',
  'romance',
  'romantic',
  'i do',
  'first dance',
  'vows',
  'my everything',
  'crazy about you',
  'dreaming of you',
  'the one i love',
  'loving you since',
  'summer wine',
  'candlelight',
  'the covers',
  'my love',
  'love that is all our own',
  'every life',
  'starry-eyed',
  'my girl',
  'my man',
  'bride',
  'groom',
  'two hearts',
  'my every day',
  'choose you again',
  'fall in love',
];

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// Word-bounded, and curly apostrophes read as straight ones, so "you’re mine" is caught too.
const ROMANTIC = new RegExp(
  `(?<![\\p{L}'])(?:${ROMANTIC_PHRASES.map(escape).join('|')})(?![\\p{L}])`,
  'iu',
);

/** The first love-song phrase in `text`, or null. */
export function romanticPhrase(text: string): string | null {
  return ROMANTIC.exec(text.replace(/’/g, "'"))?.[0]?.toLowerCase() ?? null;
}

export function isRomanticText(text: string): boolean {
  return romanticPhrase(text) !== null;
}
