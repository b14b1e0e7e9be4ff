/** Text made safe to place in HTML, between tags or inside a quoted attribute. */
export const escapeHtml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!,
  );

/**
 * A value as the body of `<script type="application/json">`: a data block the browser never runs
 * (so the page's CSP need not allow it), with every "<" escaped so no text in it can close the tag.
 */
export const jsonScriptBody = (value: unknown) =>
  JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028|\u2029/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`);
