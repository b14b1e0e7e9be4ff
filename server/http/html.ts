const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text made safe inside HTML or SVG, in element content and in quoted attributes alike. */
export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (ch) => ENTITIES[ch]!);

/**
 * The head of a page the server renders: English, phone-sized, kept out of search engines, with
 * one inline style (its hash goes in the page's Content-Security-Policy) and `extra` lines
 * (meta tags, a script) before the style.
 */
export function documentHead(title: string, style: string, extra = ''): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title>
${extra}<style>${style}</style>
</head>
`;
}

/**
 * A value as the body of `<script type="application/json">`: a data block the browser never runs
 * (so the page's CSP need not allow it), with every "<" escaped so no text in it can close the tag.
 */
export const jsonScriptBody = (value: unknown) =>
  JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028|\u2029/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`);
