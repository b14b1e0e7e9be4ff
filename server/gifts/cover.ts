import { createHash } from 'node:crypto';
import { escapeHtml } from '../http/html.ts';

// Moods people type, by the colour family they suggest; any other mood gets a hue from its words.
const MOOD_HUES: [RegExp, number][] = [
  [/romantic|love|tender|sweet/i, 340],
  [/happy|joy|upbeat|fun|playful|celebrat/i, 40],
  [/warm|cosy|cozy|nostalg/i, 20],
  [/calm|peace|gentle|soft|dream/i, 200],
  [/sad|melanchol|bitter|wistful/i, 225],
  [/epic|bold|energetic|power/i, 270],
];

/** The title's lines on the cover: words wrapped to about 16 characters, at most 4 lines. */
function wrap(title: string): string[] {
  const lines: string[] = [];
  for (const word of title.split(/\s+/).filter(Boolean)) {
    const last = lines.at(-1);
    if (last !== undefined && (last + ' ' + word).length <= 16)
      lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word.length > 18 ? `${word.slice(0, 17)}…` : word);
  }
  if (lines.length > 4) return [...lines.slice(0, 3), `${lines[3]!.slice(0, 15)}…`];
  return lines;
}

/**
 * A square cover for a song that has no provider cover (the built-in engine makes none): colours
 * from its mood, shapes from its title, the title written on it. Same song, same cover.
 */
export function drawCover(title: string, mood: string): string {
  const digest = createHash('sha256').update(`${title}\n${mood}`).digest();
  const hue = MOOD_HUES.find(([re]) => re.test(mood))?.[1] ?? (digest[0]! * 360) / 256;
  const second = (hue + 30 + (digest[1]! % 60)) % 360;
  const circles = Array.from({ length: 5 }, (_, i) => {
    const x = 40 + (digest[2 + i * 3]! / 255) * 520;
    const y = 40 + (digest[3 + i * 3]! / 255) * 520;
    const r = 50 + (digest[4 + i * 3]! / 255) * 150;
    return `<circle cx="${x.toFixed(0)}" cy="${y.toFixed(0)}" r="${r.toFixed(0)}" fill="hsl(${((hue + i * 24) % 360).toFixed(0)} 80% 70%)" opacity=".28"/>`;
  }).join('');
  const lines = wrap(title);
  const size = lines.length > 2 ? 52 : 64;
  const top = 300 - ((lines.length - 1) * size * 1.15) / 2;
  const text = lines
    .map(
      (line, i) =>
        `<text x="300" y="${(top + i * size * 1.15).toFixed(0)}">${escapeHtml(line)}</text>`,
    )
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 600 600" width="600" height="600" role="img" aria-label="${escapeHtml(title)}">
<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="hsl(${hue.toFixed(0)} 55% 32%)"/><stop offset="1" stop-color="hsl(${second.toFixed(0)} 60% 18%)"/></linearGradient></defs>
<rect width="600" height="600" fill="url(#g)"/>${circles}
<g fill="#fff" font-family="Georgia, 'Times New Roman', serif" font-size="${size}" font-weight="700" text-anchor="middle" dominant-baseline="middle">${text}</g>
</svg>`;
}

/**
 * The drawn cover as PNG, for messengers' link previews (`og:image`): they show JPEG and PNG, not
 * SVG. resvg (@resvg/resvg-js) renders it with the machine's fonts; on a server with none the title is left out
 * and the colours and shapes remain.
 */
export async function coverPng(svg: string): Promise<Buffer> {
  // Loaded on the first preview asked for: a native module no other answer needs.
  const { Resvg } = await import('@resvg/resvg-js');
  const resvg = new Resvg(svg, {
    font: { loadSystemFonts: true, serifFamily: 'DejaVu Serif' },
  });
  return resvg.render().asPng();
}
