/**
 * The reader's language from an Accept-Language header, if this server can format money in it:
 * "fr-CH,fr;q=0.9" → "fr-CH". Unknown or malformed tags fall back to the next, then to none.
 */
export function readerLocale(acceptLanguage: string | undefined): string | undefined {
  const tags = (acceptLanguage ?? '')
    .split(',')
    .map((part) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find(Boolean);
      return { tag: tag.trim(), q: q === undefined ? 1 : Number(q) };
    })
    .filter((t) => t.tag && t.tag !== '*' && t.q > 0)
    .sort((a, b) => b.q - a.q);
  for (const { tag } of tags) {
    try {
      const [supported] = Intl.NumberFormat.supportedLocalesOf(tag);
      if (supported) return supported;
    } catch {
      // A tag Intl cannot parse ("x y", "en_US") names no language: try the next one.
    }
  }
  return undefined;
}
