import { describe, expect, it } from 'vitest';
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
