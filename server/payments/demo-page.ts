import { documentHead, escapeHtml } from '../http/html.ts';
import { styleHash } from '../http/security-headers.ts';
import type { Order } from './orders.ts';
import { formatMoney } from '../../schema/currency.ts';
import type { OrderMethod } from '../../schema/orders.ts';

const escape = escapeHtml;

const STYLE = `
  :root { color-scheme: light dark; --accent: #5b3cc4; --bg: #fafafa; --fg: #1b1b1f; --card: #fff; --muted: #55555f; }
  @media (prefers-color-scheme: dark) { :root { --accent: #b9a6ff; --bg: #141418; --fg: #f1f1f4; --card: #1f1f26; --muted: #b4b4bf; } }
  * { box-sizing: border-box; }
  body { margin: 0; font: 17px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; background: var(--bg); color: var(--fg); }
  main { max-width: 30rem; margin: 0 auto; padding: 1.25rem 1rem 3rem; }
  .note { border: 2px dashed var(--accent); border-radius: .75rem; padding: .75rem 1rem; margin: 0 0 1.25rem; }
  h1 { font-size: 1.5rem; margin: 0 0 1rem; }
  ol { background: var(--card); border-radius: .75rem; padding: 1rem 1rem 1rem 2.25rem; margin: 0 0 1rem; }
  li + li { margin-top: .5rem; }
  .take { color: var(--muted); font-size: .9rem; }
  .total { display: flex; justify-content: space-between; font-size: 1.15rem; margin: 0 0 1.5rem; }
  button { width: 100%; min-height: 3rem; border: 0; border-radius: .75rem; background: var(--accent); color: var(--bg);
           font: inherit; font-weight: 600; cursor: pointer; }
  button:focus-visible, a:focus-visible { outline: 3px solid var(--fg); outline-offset: 3px; }
  a { color: var(--accent); display: inline-block; margin-top: 1rem; padding: .5rem 0; }
`;

/** What the page's Content-Security-Policy allows its one inline style by. */
export const DEMO_STYLE_HASH = styleHash(STYLE);

function page(title: string, body: string): string {
  return `${documentHead(title, STYLE)}<body><main>${body}</main></body>
</html>`;
}

/** The demo checkout: what is being bought and a Pay button that charges nothing. */
export function demoCheckoutPage(order: Order, sessionId: string): string {
  const price = formatMoney(order.amount_cents, order.currency, 'en');
  const songs = order.items
    .map(
      (item) =>
        `<li>${escape(item.title ?? `Song ${item.songIndex + 1}`)} <span class="take">(take ${item.take})</span></li>`,
    )
    .join('');
  const back = `/forms/${order.form_id}`;
  const action =
    order.status === 'paid'
      ? `<p role="status">This order is paid.</p><a href="${back}?paid=1">Go to your songs</a>`
      : `<form method="post" action="/demo-checkout/${escape(sessionId)}/pay">
  <button type="submit">Pay ${escape(price)} (demo)</button>
</form>
<a href="${back}">Back without paying</a>`;
  return page(
    'Demo checkout — Refrain',
    `<p class="note" role="note"><strong>Demo checkout — no card is charged.</strong>
This server has no Stripe key, so paying here only unlocks the songs.</p>
<h1>Your ${order.song_count === 1 ? 'song' : `${order.song_count} songs`}</h1>
<ol>${songs}</ol>
<p class="total"><span>Total</span><strong>${escape(price)}</strong></p>
${action}`,
  );
}

/** A checkout that takes no payment any more, and why, in words for the person holding the page. */
export function demoClosedPage(order: Order, paidBy: OrderMethod | null): string {
  const back = `/forms/${order.form_id}`;
  const why =
    order.end_reason === 'already_paid'
      ? `These songs were already paid for${paidBy === 'credits' ? ' with credits' : ''}, so this checkout was closed. Nothing was charged.`
      : 'This checkout has ended. Nothing was charged.';
  const next =
    order.end_reason === 'already_paid'
      ? `<a href="${back}?paid=1">Go to your songs</a>`
      : `<a href="${back}">Back to your songs</a>`;
  return page(
    'Checkout closed — Refrain',
    `<h1>This checkout is closed</h1>
<p role="status">${escape(why)}</p>
${next}`,
  );
}

export function demoNotFoundPage(): string {
  return page(
    'Checkout not found — Refrain',
    `<h1>This checkout does not exist</h1><p>Start again from your song's page.</p><a href="/">Back to Refrain</a>`,
  );
}
