import { describe, expect, it } from 'vitest';
import { currencyOf, formatMoney } from '../../schema/currency.ts';

describe('money as Stripe counts it', () => {
  it.each([
    [4900, 'jpy', '¥4,900'],
    [4900, 'usd', '$49.00'],
    [4900, 'krw', '₩4,900'],
    [2900, 'eur', '€29.00'],
    [4900, 'kwd', 'KWD 4.900'],
    [50000, 'isk', 'ISK 500'],
    [17500, 'huf', 'HUF 175'],
  ])('%i minor units of %s read as %s', (amount, currency, shown) => {
    // Intl separates an ISO code from the number with a no-break space.
    expect(formatMoney(amount, currency, 'en').replace(/\u00a0/g, ' ')).toBe(shown);
  });

  it('shows a fraction Intl would round away rather than hiding money', () => {
    expect(formatMoney(17550, 'huf', 'en').replace(/\u00a0/g, ' ')).toBe('HUF 175.50');
  });

  it('takes the code in either case and formats in the reader’s locale', () => {
    expect(formatMoney(4900, 'JPY', 'en')).toBe('¥4,900');
    expect(formatMoney(4900, 'usd', 'de-DE').replace(/\u00a0/g, ' ')).toBe('49,00 $');
  });

  it('knows Stripe’s decimals, steps and smallest charges', () => {
    expect(currencyOf('jpy')).toEqual({ code: 'jpy', exponent: 0, step: 1, minimum: 50 });
    expect(currencyOf('USD')).toEqual({ code: 'usd', exponent: 2, step: 1, minimum: 50 });
    expect(currencyOf('krw')).toMatchObject({ exponent: 0, minimum: 50 });
    expect(currencyOf('kwd')).toEqual({ code: 'kwd', exponent: 3, step: 10, minimum: undefined });
    expect(currencyOf('gbp')).toMatchObject({ exponent: 2, minimum: 30 });
    expect(currencyOf('huf')).toMatchObject({ exponent: 2, minimum: 17500 });
    expect(currencyOf('mxn')).toMatchObject({ exponent: 2, minimum: 1000 });
    // Zero-decimal by ISO, but Stripe still takes two decimals that must be 00.
    expect(currencyOf('ugx')).toMatchObject({ exponent: 2, step: 100 });
    expect(currencyOf('isk')).toMatchObject({ exponent: 2, step: 100 });
  });

  it('lists every zero- and three-decimal currency Stripe names', () => {
    const exponentOf = (code: string) => currencyOf(code)?.exponent;
    for (const code of 'bif clp djf gnf jpy kmf krw mga pyg rwf vnd vuv xaf xof xpf'.split(' ')) {
      expect(exponentOf(code), code).toBe(0);
    }
    for (const code of 'bhd jod kwd omr tnd'.split(' ')) expect(exponentOf(code), code).toBe(3);
  });

  it('knows no currency Stripe does not charge in', () => {
    expect(currencyOf('xyz')).toBeUndefined();
    expect(currencyOf('dollars')).toBeUndefined();
    expect(currencyOf('')).toBeUndefined();
  });
});
