import fs from 'node:fs';
import path from 'node:path';
import { samplesHint, sampleWords } from '../../schema/site-check.ts';
import type { SiteInfo } from '../../schema/site.ts';
import { escapeHtml, jsonScriptBody } from './html.ts';
import { styleHash } from './security-headers.ts';

/** The app's page as one request gets it, with the hashes its CSP must allow. */
export interface ShellPage {
  html: string;
  styleHashes: string[];
}

// The marks the build leaves in index.html (vite.config.ts, index.html).
const HOME_VIEW = /<!--home-->([\s\S]*?)<!--\/home-->/;
const SITE_INFO = '<!--site-info-->';
const PRICE_SLOT = /\{\{price:(\d+)\}\}/g;
const SAMPLES = /<!--samples-->([\s\S]*?)<!--\/samples-->/;
const SAMPLE_CARD = /<!--sample-->([\s\S]*?)<!--\/sample-->/;
const LYRIC_LINE = /<span>\{\{sample:line\}\}<\/span>/;
const SAMPLE_SLOT = /\{\{sample:(\w+)\}\}/g;

/**
 * The samples section of the painted Home, one card per sample, as the app's first pass renders
 * it (client/ui/SampleSongs.tsx, from the same words in schema/site-check.ts): the app adopts it
 * as it is. None when there are none, as in the app.
 */
function samplesMarkup(section: string, info: SiteInfo): string {
  if (info.samples.length === 0) return '';
  const card = SAMPLE_CARD.exec(section)?.[1] ?? '';
  const cards = info.samples.map((sample) => {
    const words = sampleWords(sample);
    const fields: Record<string, string> = {
      id: sample.id,
      title: sample.title,
      occasion: sample.occasion,
      meta: words.meta,
      audioUrl: sample.audioUrl,
    };
    return card
      .replace(LYRIC_LINE, () =>
        sample.lyricsExcerpt.map((line) => `<span>${escapeHtml(line)}</span>`).join(''),
      )
      .replace(SAMPLE_SLOT, (_slot, field: string) => escapeHtml(String(fields[field] ?? '')));
  });
  return section
    .replace(SAMPLE_CARD, () => cards.join(''))
    .replace('{{samples:hint}}', () => escapeHtml(samplesHint(info.sings)));
}

/**
 * The app's shell for one request. Home's pre-rendered first view is kept only for "/": any other
 * path would show Home for a moment before its own screen, and the copy the service worker keeps
 * (/index.html) answers every path. The installation's facts go into every copy, with prices
 * written out for the reader's language.
 */
export function shellPages(distDir: string, site: (locale?: string) => Promise<SiteInfo>) {
  const file = path.join(distDir, 'index.html');
  let template: { mtimeMs: number; html: string; styleHashes: string[] } | undefined;
  const load = () => {
    // A rebuild replaces the file under a running server (tests, `npm start` after a change).
    const { mtimeMs } = fs.statSync(file);
    if (template?.mtimeMs !== mtimeMs) {
      const html = fs.readFileSync(file, 'utf8');
      const styleHashes = [...html.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((m) =>
        styleHash(m[1]!),
      );
      template = { mtimeMs, html, styleHashes };
    }
    return template;
  };
  return async (requestPath: string, locale?: string): Promise<ShellPage> => {
    const { html, styleHashes } = load();
    const info = await site(locale);
    const page = html
      .replace(HOME_VIEW, (_all, view: string) =>
        requestPath === '/'
          ? view
              .replace(PRICE_SLOT, (_slot, n: string) =>
                escapeHtml(info.pricing.shown?.[Number(n) - 1] ?? ''),
              )
              .replace(SAMPLES, (_all, section: string) => samplesMarkup(section, info))
          : '',
      )
      .replace(
        SITE_INFO,
        () => `<script type="application/json" id="site-info">${jsonScriptBody(info)}</script>`,
      );
    return { html: page, styleHashes };
  };
}
