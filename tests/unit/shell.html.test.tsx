import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { renderToString } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import {
  EmptyState,
  HomeView,
  PriceText,
  SampleCardView,
  SamplesView,
} from '../../client/screens/HomeView.tsx';
import { paintedShell } from '../../client/screens/PaintedHome.tsx';
import { ShellView, StartingBadge } from '../../client/ui/ShellView.tsx';
import { samplesHint, type SiteInfo } from '../../schema/site-check.ts';
import { shellPages } from '../../server/http/shell.ts';
import { jsonScriptBody } from '../../server/http/html.ts';
import { readerLocale } from '../../server/http/locale.ts';

describe('the site facts written into the page', () => {
  it('can never close their script element or start markup, whatever a title holds', () => {
    const hostile = {
      title: '</script><script>alert(1)</script>',
      other: '<!-- <script> --> \u2028\u2029 </SCRIPT >',
    };
    const body = jsonScriptBody(hostile);
    expect(body).not.toMatch(/</);
    expect(body).not.toMatch(/[\u2028\u2029]/);
    expect(JSON.parse(body)).toEqual(hostile);
  });
});

describe("the reader's language from Accept-Language", () => {
  it('takes the preferred language Intl knows, by quality', () => {
    expect(readerLocale('fr-CH, fr;q=0.9, en;q=0.8')).toBe('fr-CH');
    expect(readerLocale('en;q=0.2, de-DE;q=0.9')).toBe('de-DE');
    expect(readerLocale('*, ja')).toBe('ja');
  });

  it('skips what names no language, and gives none when nothing is left', () => {
    expect(readerLocale(undefined)).toBeUndefined();
    expect(readerLocale('')).toBeUndefined();
    expect(readerLocale('*')).toBeUndefined();
    expect(readerLocale('en_US')).toBeUndefined();
    expect(readerLocale('en_US, pt-BR;q=0.5')).toBe('pt-BR');
    expect(readerLocale('de;q=0, es')).toBe('es');
    expect(readerLocale('!!!,;q=x')).toBeUndefined();
  });
});

describe('the painted Home the server fills in', () => {
  const hostile = '</li><script>alert("x")</script> & “quotes” \'n\' <!--';
  const info: SiteInfo = {
    syncUrl: null,
    provider: 'local',
    payments: 'demo',
    sings: false,
    pricing: {
      currency: 'USD',
      bySongCount: [1, 2, 3, 4, 5],
      shown: ['$1 <b>', '2', '3', '4', '$5'],
    },
    samples: [
      {
        id: 'a',
        title: hostile,
        occasion: 'For a <birthday>',
        style: 'Warm & tender',
        lyricsExcerpt: ['one line', hostile],
        audioUrl: '/api/samples/a?x=1&y=2',
        durationSeconds: 30,
      },
      {
        id: 'b',
        title: 'Second',
        occasion: 'Ten years',
        style: 'Pop',
        lyricsExcerpt: [],
        audioUrl: '/api/samples/b',
      },
    ],
  };

  /** The markup inside #root of the page the server sends for "/". */
  async function served(site: SiteInfo) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'refrain-shell-'));
    try {
      const html = `<html><body><div id="root">${paintedShell()}</div><!--site-info--></body></html>`;
      fs.writeFileSync(path.join(dir, 'index.html'), html);
      const page = await shellPages(dir, async () => site)('/');
      return /<div id="root">([\s\S]*?)<\/div><script/.exec(page.html)![1]!;
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }

  /** The app's first pass on "/" for a device with nothing yet, through the same views. */
  const firstPass = (site: SiteInfo) =>
    renderToString(
      <ShellView link={(href) => ({ href })} status={<StartingBadge />}>
        <HomeView
          price={<PriceText one={site.pricing.shown![0]!} most={site.pricing.shown![4]!} />}
          firstVisit
          list={<EmptyState />}
          samples={
            site.samples.length > 0 && (
              <SamplesView hint={samplesHint(site.sings)}>
                {site.samples.map((sample) => (
                  <SampleCardView key={sample.id} sample={sample} />
                ))}
              </SamplesView>
            )
          }
        />
      </ShellView>,
    );

  // Escaped differently ("&#39;" or "&#x27;"), the same text: what a browser reads from both.
  const read = (html: string) =>
    html
      .replace(/&#x27;|&#39;/g, "'")
      .replace(/&quot;/g, '"')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&');

  it("is what the app's first pass renders, so the app adopts it as it is", async () => {
    const html = await served(info);
    expect(read(html)).toBe(read(firstPass(info)));
    expect(html).not.toMatch(/\{\{|<!--\/?(home|samples?)-->/);
  });

  it('never lets a title or a line start markup', async () => {
    const html = await served(info);
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('</li><script');
    expect(html).toContain('&lt;/li&gt;&lt;script&gt;');
  });

  it('has no samples section when there are none, as in the app', async () => {
    const none = { ...info, samples: [] };
    const html = await served(none);
    expect(html).not.toContain('data-testid="samples"');
    expect(read(html)).toBe(read(firstPass(none)));
  });
});
