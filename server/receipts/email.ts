import { formatMoney } from '../../schema/currency.ts';
import { giftPath } from '../../schema/gifts.ts';
import type { OrderMethod } from '../../schema/orders.ts';
import { escapeHtml } from '../http/html.ts';

/** What a receipt email says: the paid order, and the gift links its songs have when it is sent. */
export interface ReceiptFacts {
  orderId: string;
  formId: string;
  receiptNumber: string | null;
  method: OrderMethod;
  amountCents: number;
  currency: string;
  creditsSpent: number;
  paidAt: Date;
  items: { songIndex: number; title: string | null }[];
  /** Gift links not revoked; songIndex null is a gift of every song of the order. */
  gifts: { code: string; songIndex: number | null; toName: string | null }[];
}

export interface ReceiptEmail {
  subject: string;
  text: string;
  html: string;
}

// Titles and names are people's words (or a model's): one line each, no control characters.
const oneLine = (s: string) =>
  s
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();

/**
 * The receipt as an email, in plain text and in simple HTML (every outside word escaped). It
 * carries only what the buyer may forward: no token, no owner id, no signed download link; the
 * songs are reached through the app, and the gift links are the recipients' own keys.
 */
export function renderReceiptEmail(facts: ReceiptFacts, publicUrl: string): ReceiptEmail {
  const base = publicUrl.replace(/\/$/, '');
  const songs = [...facts.items]
    .sort((a, b) => a.songIndex - b.songIndex)
    .map((item) => ({
      songIndex: item.songIndex,
      title: oneLine(item.title ?? '') || `Song ${item.songIndex + 1}`,
    }));
  const titleOf = (songIndex: number | null) =>
    songIndex === null
      ? 'All the songs'
      : (songs.find((s) => s.songIndex === songIndex)?.title ?? `Song ${songIndex + 1}`);
  const bought = new Set(songs.map((s) => s.songIndex));
  const gifts = facts.gifts
    .filter((g) => g.songIndex === null || bought.has(g.songIndex))
    .map((g) => ({
      title: titleOf(g.songIndex),
      toName: g.toName ? oneLine(g.toName) : '',
      url: `${base}${giftPath(g.code)}`,
    }));
  const amount =
    facts.method === 'credits'
      ? `${facts.creditsSpent} credit${facts.creditsSpent === 1 ? '' : 's'}`
      : formatMoney(facts.amountCents, facts.currency, 'en');
  const receiptUrl = `${base}/forms/${facts.formId}`;
  const number = facts.receiptNumber ?? '';
  const paidOn = facts.paidAt.toISOString().slice(0, 10);
  const subject = number ? `Your Refrain receipt ${number}` : 'Your Refrain receipt';
  const noGifts =
    'No gift links yet: open your songs in the app to make one for the person each song is for.';

  const text = [
    'Thank you for your order.',
    '',
    ...(number ? [`Receipt: ${number}`] : []),
    `Order: ${facts.orderId}`,
    `Paid: ${paidOn}`,
    `Total: ${amount}`,
    '',
    songs.length === 1 ? 'You bought:' : `You bought ${songs.length} songs:`,
    ...songs.map((s) => `- ${s.title}`),
    '',
    ...(gifts.length
      ? [
          'Gift links (anyone with a link can hear that song):',
          ...gifts.map((g) => `- ${g.title}${g.toName ? ` (for ${g.toName})` : ''}: ${g.url}`),
        ]
      : [noGifts]),
    '',
    `Your receipt, your songs and their downloads: ${receiptUrl}`,
    '',
    'Refrain',
    '',
  ].join('\n');

  const row = (label: string, value: string) =>
    `<tr><th align="left" style="padding:2px 12px 2px 0">${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`;
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>
<body style="font-family:system-ui,sans-serif;line-height:1.5;color:#222;max-width:36em">
<p>Thank you for your order.</p>
<table>
${number ? row('Receipt', number) : ''}
${row('Order', facts.orderId)}
${row('Paid', paidOn)}
${row('Total', amount)}
</table>
<p>${escapeHtml(songs.length === 1 ? 'You bought:' : `You bought ${songs.length} songs:`)}</p>
<ul>
${songs.map((s) => `<li>${escapeHtml(s.title)}</li>`).join('\n')}
</ul>
${
  gifts.length
    ? `<p>Gift links (anyone with a link can hear that song):</p>
<ul>
${gifts
  .map(
    (g) =>
      `<li>${escapeHtml(g.title)}${g.toName ? ` (for ${escapeHtml(g.toName)})` : ''}: <a href="${escapeHtml(g.url)}">${escapeHtml(g.url)}</a></li>`,
  )
  .join('\n')}
</ul>`
    : `<p>${escapeHtml(noGifts)}</p>`
}
<p><a href="${escapeHtml(receiptUrl)}">Open your receipt and your songs in Refrain</a></p>
</body></html>
`;
  return { subject, text, html };
}
