// Money as Stripe counts it, from https://docs.stripe.com/currencies (read December 2026): the
// currencies it charges in, how many decimals its `amount` carries, the steps it charges in and
// its smallest charge. Every amount in Refrain (config, orders, the API) is in these minor units,
// so one number means the same to the server, the client and Stripe.

/** Sent as whole units: 500 is ¥500. */
const ZERO_DECIMAL = 'bif clp djf gnf jpy kmf krw mga pyg rwf vnd vuv xaf xof xpf';

/**
 * Whole units sent with two decimals that are always 00 (5 kr is 500). Stripe's zero-decimal list
 * also names UGX, but its special cases say 500 for 5 UGX: shops that followed the list charged a
 * hundredth.
 */
const WHOLE_UNITS_IN_HUNDREDTHS = 'isk ugx';

/** Three decimals whose last one Stripe requires to be 0 (5.120 KWD is 5120). */
const THREE_DECIMAL = 'bhd jod kwd omr tnd';

/** Stripe's presentment currencies; all but the lists above carry two decimals. */
const PRESENTMENT =
  'usd aed afn all amd ang aoa ars aud awg azn bam bbd bdt bgn bhd bif bmd bnd bob brl bsd bwp ' +
  'byn bzd cad cdf chf clp cny cop crc cve czk djf dkk dop dzd egp etb eur fjd fkp gbp gel gip ' +
  'gmd gnf gtq gyd hkd hnl htg huf idr ils inr isk jmd jod jpy kes kgs khr kmf krw kwd kyd kzt ' +
  'lak lbp lkr lrd lsl mad mdl mga mkd mmk mnt mop mur mvr mwk mxn myr mzn nad ngn nio nok npr ' +
  'nzd omr pab pen pgk php pkr pln pyg qar ron rsd rub rwf sar sbd scr sek sgd shp sle sos srd ' +
  'std szl thb tjs tnd top try ttd twd tzs uah ugx uyu uzs vnd vuv wst xaf xcd xof xpf yer zar zmw';

/**
 * Stripe's smallest charge, in minor units, for the currencies it names one for. Elsewhere the
 * charge must reach the settlement currency's minimum once converted, which only Stripe can tell.
 */
const MINIMUM: Record<string, number> = {
  usd: 50,
  aed: 200,
  ars: 50,
  aud: 50,
  brl: 50,
  cad: 50,
  chf: 50,
  cop: 50,
  czk: 1500,
  dkk: 250,
  eur: 50,
  gbp: 30,
  hkd: 400,
  huf: 17500,
  idr: 50,
  ils: 50,
  inr: 50,
  jpy: 50,
  krw: 50,
  mxn: 1000,
  myr: 200,
  nok: 300,
  nzd: 50,
  php: 50,
  pln: 200,
  ron: 200,
  rub: 50,
  sek: 300,
  sgd: 50,
  thb: 1000,
  zar: 50,
};

const has = (list: string, code: string) => list.split(' ').includes(code);

/** What Stripe needs of amounts in one currency. */
export interface Currency {
  /** Lowercase ISO code, as Stripe takes it. */
  code: string;
  /** Decimals in Stripe's `amount`: with 2, 4900 is 49.00; with 0, it is 4,900. */
  exponent: 0 | 2 | 3;
  /** Stripe charges only multiples of this many minor units. */
  step: 1 | 10 | 100;
  /** Stripe's smallest charge in minor units, where Stripe names one. */
  minimum: number | undefined;
}

/** Stripe's facts for a currency code (any case), or undefined when Stripe does not charge in it. */
export function currencyOf(code: string): Currency | undefined {
  const c = code.trim().toLowerCase();
  if (!/^[a-z]{3}$/.test(c) || !has(PRESENTMENT, c)) return undefined;
  const zero = has(ZERO_DECIMAL, c);
  const three = has(THREE_DECIMAL, c);
  return {
    code: c,
    exponent: zero ? 0 : three ? 3 : 2,
    step: has(WHOLE_UNITS_IN_HUNDREDTHS, c) ? 100 : three ? 10 : 1,
    minimum: MINIMUM[c],
  };
}

/**
 * An amount in minor units as people read it: `formatMoney(4900, 'usd')` is "$49.00",
 * `formatMoney(4900, 'jpy')` is "¥4,900". `locale` undefined is the reader's own.
 */
export function formatMoney(amount: number, currency: string, locale?: string): string {
  const code = currency.toUpperCase();
  const plain = moneyFormat(locale, code);
  const shown = plain.resolvedOptions().maximumFractionDigits ?? 2;
  const exponent = currencyOf(currency)?.exponent ?? shown;
  const value = amount / 10 ** exponent;
  // Intl shows fewer decimals than Stripe charges in for some currencies (HUF, IDR, ISK): a
  // fraction is shown in full when there is one, never rounded away.
  if (shown >= exponent || amount % 10 ** (exponent - shown) === 0) return plain.format(value);
  return moneyFormat(locale, code, exponent).format(value);
}

// Making an Intl.NumberFormat costs about a millisecond on a phone, and a list of orders formats
// an amount per row on every render: one formatter per locale, currency and decimals is kept.
const moneyFormats = new Map<string, Intl.NumberFormat>();

function moneyFormat(locale: string | undefined, code: string, digits?: number) {
  const key = `${locale ?? ''}|${code}|${digits ?? ''}`;
  let format = moneyFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(locale, {
      style: 'currency',
      currency: code,
      ...(digits === undefined
        ? {}
        : { minimumFractionDigits: digits, maximumFractionDigits: digits }),
    });
    moneyFormats.set(key, format);
  }
  return format;
}
