import { documentHead, escapeHtml as e } from '../http/html.ts';
import { styleHash } from '../http/security-headers.ts';
import type { Gift, GiftSong } from './read.ts';

// The gift page is the whole of what a recipient sees: no app, no account, no framework. One
// inline style (allowed by its hash) and one small script from this origin (/g/gift.js), so it
// paints at once on a phone and fits the same Content-Security-Policy as every page.
const STYLE = `
:root{color-scheme:dark;--bg:#1b1026;--card:#2a1c3a;--fg:#fbf7ff;--muted:#d5c8e6;--accent:#ffc56b}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:1.0625rem/1.55 system-ui,-apple-system,"Segoe UI",sans-serif}
main{max-width:34rem;margin:0 auto;padding:1rem 1rem 3rem}
.cover{display:block;width:100%;height:auto;aspect-ratio:1;border-radius:1rem;background:var(--card)}
.wrapped{display:grid;place-items:center}
.wrapped svg{width:45%;height:auto}
.for{color:var(--accent);font-weight:600;margin:1.1rem 0 .1rem}
h1{font:700 1.9rem/1.15 Georgia,"Times New Roman",serif;margin:0 0 1rem}
.cover+h1{margin-top:1.2rem}
h2{font:700 1.4rem/1.2 Georgia,"Times New Roman",serif;margin:1.5rem 0 .5rem}
.message{background:var(--card);border-radius:.8rem;padding:.9rem 1rem;margin:0 0 1.2rem;font-style:italic;white-space:pre-line}
.message footer{font-style:normal;color:var(--muted);margin-top:.4rem}
audio{width:100%;margin:.25rem 0 .5rem}
.lyrics{list-style:none;padding:0;margin:1rem 0;color:var(--muted);content-visibility:auto;contain-intrinsic-size:auto 40rem}
.lyrics li{padding:.2rem .4rem;border-radius:.4rem;transition:color .2s,background .2s}
.lyrics li[aria-current]{color:var(--fg);background:var(--card);font-weight:600}
.plain{white-space:pre-line;color:var(--muted)}
.countdown{display:grid;grid-template-columns:repeat(4,1fr);gap:.5rem;margin:.6rem 0 1rem;text-align:center}
.countdown span{background:var(--card);border-radius:.7rem;padding:.5rem 0;color:var(--muted);font-size:.85rem}
.countdown b{display:block;font:700 1.7rem/1.2 system-ui,sans-serif;color:var(--accent)}
.row{display:flex;flex-wrap:wrap;gap:.6rem;margin:1rem 0}
.button{display:inline-flex;align-items:center;justify-content:center;min-height:2.9rem;padding:0 1.1rem;border-radius:.75rem;border:2px solid var(--accent);background:transparent;color:var(--fg);font:inherit;font-weight:600;text-decoration:none;cursor:pointer}
.button--primary{background:var(--accent);color:#1b1026}
[hidden]{display:none!important}
a{color:var(--accent)}
a:focus-visible,button:focus-visible,audio:focus-visible{outline:3px solid var(--fg);outline-offset:3px}
.made{color:var(--muted);font-size:.95rem;margin-top:2rem}
.made a{display:inline-block;padding:.6rem 0}
`;

/** What the page's Content-Security-Policy allows its one inline style by. */
export const GIFT_STYLE_HASH = styleHash(STYLE);

const DAY_FORMAT = new Intl.DateTimeFormat('en-GB', {
  weekday: 'short',
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  timeZone: 'UTC',
  timeZoneName: 'short',
});

/** "for Siobhan, from Aoife" (or "for Siobhan" when the buyer gave no name). */
export const dedication = (gift: Pick<Gift, 'toName' | 'fromName'>) =>
  `for ${gift.toName}${gift.fromName ? `, from ${gift.fromName}` : ''}`;

const songUrl = (gift: Gift, song: GiftSong, what: string) => `/g/${gift.code}/${song.n}/${what}`;

function head(opts: {
  title: string;
  description: string;
  image: string;
  url: string;
  extra?: string;
}): string {
  const { title, description, image, url } = opts;
  return documentHead(
    title,
    STYLE,
    `<meta name="theme-color" content="#1b1026">
<meta name="description" content="${e(description)}">
<meta property="og:site_name" content="Refrain">
<meta property="og:type" content="music.song">
<meta property="og:title" content="${e(title)}">
<meta property="og:description" content="${e(description)}">
<meta property="og:url" content="${e(url)}">
<meta property="og:image" content="${e(image)}">
<meta name="twitter:card" content="summary_large_image">
<meta name="twitter:title" content="${e(title)}">
<meta name="twitter:description" content="${e(description)}">
<meta name="twitter:image" content="${e(image)}">
<link rel="icon" href="/icon.svg" type="image/svg+xml">
${opts.extra ?? ''}<script src="/g/gift.js" defer></script>
`,
  );
}

function lyricsOf(song: GiftSong): string {
  if (song.lines.length > 0) {
    const items = song.lines
      .map((l) => `<li data-t="${l.startSec.toFixed(2)}">${e(l.line)}</li>`)
      .join('');
    return `<ol class="lyrics" data-timed aria-label="Lyrics">${items}</ol>`;
  }
  if (!song.lyrics?.trim()) return '';
  return `<p class="plain" aria-label="Lyrics">${e(song.lyrics.trim())}</p>`;
}

/** One song's player, download and lyrics; in a gift of several, its title (and past the first, its cover). */
function songSection(gift: Gift, song: GiftSong, many: boolean): string {
  const cover = songUrl(gift, song, 'cover');
  const download = gift.allowDownload
    ? `<div class="row"><a class="button" href="${songUrl(gift, song, 'download')}" download data-testid="gift-download">Download the song</a></div>`
    : '';
  return `<section class="song" data-title="${e(song.title)}" data-artist="${e(dedication(gift))}" data-cover="${cover}" data-cover-type="${song.coverType ?? 'image/svg+xml'}">
${many && song.n > 1 ? `<img class="cover" src="${cover}" width="600" height="600" alt="Cover of ${e(song.title)}" loading="lazy">` : ''}${many ? `<h2>${e(song.title)}</h2>` : ''}
<audio controls preload="none" src="${songUrl(gift, song, 'audio.mp3')}" aria-label="Play ${e(song.title)}"></audio>
${download}${lyricsOf(song)}
</section>`;
}

// A wrapped box, drawn here rather than an emoji a phone may not have a glyph for.
const giftBox = (label: string) =>
  `<div class="cover wrapped" role="img" aria-label="${label}"><svg viewBox="0 0 120 120" aria-hidden="true"><rect x="14" y="48" width="92" height="62" rx="6" fill="#ffc56b"/><rect x="8" y="32" width="104" height="22" rx="5" fill="#ffd995"/><rect x="53" y="32" width="14" height="78" fill="#b0306a"/><path d="M60 32c-6-14-26-22-30-10-3 9 14 11 30 10zm0 0c6-14 26-22 30-10 3 9-14 11-30 10z" fill="none" stroke="#b0306a" stroke-width="6" stroke-linejoin="round"/></svg></div>`;

const madeWith = `<p class="made">Made with Refrain. <a href="/">Make a song for someone</a></p>`;

const shareRow = `<div class="row" data-share-row hidden>
<button type="button" class="button" data-share hidden>Share</button>
<button type="button" class="button" data-copy>Copy link</button>
<span role="status" data-copy-status></span>
</div>`;

/**
 * The gift as its recipient sees it. Before its reveal date it is a countdown with no title,
 * lyrics, cover or audio URL in it: only who it is for and when it opens.
 */
export function giftPage(gift: Gift, publicUrl: string, now = new Date()): string {
  const url = `${publicUrl}/g/${gift.code}`;
  const first = gift.songs[0]!;
  const many = gift.songs.length > 1;
  const forWho = dedication(gift);
  if (gift.revealAt && gift.revealAt.getTime() > now.getTime()) {
    const opens = DAY_FORMAT.format(gift.revealAt);
    return `${head({
      title: `A song ${forWho}`,
      description: `A song made ${forWho}. It opens on ${opens}.`,
      image: `${publicUrl}/icon-512.png`,
      url,
    })}<body><main class="gift" data-code="${gift.code}">
${giftBox('A wrapped gift')}
<p class="for" data-testid="gift-for">${e(forWho)}</p>
<h1>A song is waiting for you</h1>
<p>It opens on <time datetime="${gift.revealAt.toISOString()}" data-local>${e(opens)}</time>.</p>
<p class="countdown" role="timer" aria-live="off" data-reveal-at="${gift.revealAt.toISOString()}" data-testid="gift-countdown"></p>
${shareRow}${madeWith}
</main></body></html>`;
  }
  const title = many ? `${gift.songs.length} songs ${forWho}` : first.title;
  const message = gift.message
    ? `<blockquote class="message" data-testid="gift-message">${e(gift.message)}${gift.fromName ? `<footer>— ${e(gift.fromName)}</footer>` : ''}</blockquote>`
    : '';
  const image = `${url}/1/og-image`;
  return `${head({
    title: many ? title : `${first.title} — a song ${forWho}`,
    description: gift.message?.slice(0, 160) || `A song made ${forWho}, with Refrain.`,
    image,
    url,
    extra: `<link rel="preload" as="image" href="${songUrl(gift, first, 'cover')}">\n`,
  })}<body><main class="gift" data-code="${gift.code}">
<img class="cover" src="${songUrl(gift, first, 'cover')}" width="600" height="600" alt="Cover of ${e(first.title)}" fetchpriority="high" data-testid="gift-cover">
<p class="for" data-testid="gift-for">${e(forWho)}</p>
<h1 data-testid="gift-title">${e(title)}</h1>
${message}${gift.songs.map((song) => songSection(gift, song, many)).join('\n')}
${shareRow}${madeWith}
</main></body></html>`;
}

/** What an unknown or revoked code answers (404): kind, and no hint of what else exists. */
export function giftMissingPage(): string {
  return `${documentHead('This gift link is not available — Refrain', STYLE)}<body><main>
${giftBox('A gift box')}
<h1>This gift link is not available</h1>
<p>The person who sent it may have taken it back, or a part of the link went missing when it was copied.</p>
<p>Ask them to send it again — nothing is wrong on your side.</p>
${madeWith}
</main></body></html>`;
}
