import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatMoney } from '../../schema/currency.ts';
import { makeGiftCode } from '../../schema/gifts.ts';
import { escapeHtml } from '../../server/http/html.ts';
import { makeGuest, type Guest } from '../helpers/api.ts';
import { QUIET_RECONCILER } from '../helpers/api-server.ts';
import { readyForm, startMusicGptServer, testSql } from '../helpers/generation.ts';
import { op, sync } from '../helpers/ops.ts';
import { health, waitFor, type RunningStack } from '../helpers/stack.ts';
import type { MusicGptStandIn } from '../standins/musicgpt.ts';
import { startSmtpStandIn, type ReceivedMail, type SmtpStandIn } from '../standins/smtp.ts';
import { startStripeStandIn, type StripeStandIn } from '../standins/stripe.ts';

// Two API processes with SMTP_URL on one database, both mailing to one mail server: one takes
// cards through the Stripe stand-in, the other the demo checkout. Whatever the duplicates, each
// paid order with an address gets one email, from whichever process wins its claim.
const sql = testSql();
const fx = {} as {
  smtp: SmtpStandIn;
  stripe: StripeStandIn;
  card: { server: RunningStack; musicgpt: MusicGptStandIn };
  demo: { server: RunningStack; musicgpt: MusicGptStandIn };
};
const MAIL_ENV = { MAIL_FROM: 'Refrain Receipts <receipts@refrain.test>', MAIL_RETRY_MS: '200' };

beforeAll(async () => {
  fx.smtp = await startSmtpStandIn();
  fx.stripe = await startStripeStandIn();
  fx.card = await startMusicGptServer({
    ...QUIET_RECONCILER,
    STRIPE_SECRET_KEY: fx.stripe.secretKey,
    STRIPE_WEBHOOK_SECRET: fx.stripe.webhookSecret,
    STRIPE_API_BASE: fx.stripe.url,
    SMTP_URL: fx.smtp.url,
    ...MAIL_ENV,
  });
  fx.demo = await startMusicGptServer({ SMTP_URL: fx.smtp.url, ...MAIL_ENV });
});

afterAll(async () => {
  await fx.card?.server.stop();
  await fx.demo?.server.stop();
  await fx.card?.musicgpt.close();
  await fx.demo?.musicgpt.close();
  await fx.stripe?.close();
  await fx.smtp?.close();
  await sql.end();
});

const newAddress = () => `buyer-${randomUUID().slice(0, 8)}@example.com`;

/** A ready form whose draft carries the buyer's address, and its open checkout. */
async function openCheckout(server: RunningStack, email: string | undefined, songs = 2) {
  const guest = await makeGuest(server.baseUrl);
  const formId = await readyForm(sql, guest, songs);
  if (email) {
    await sql`update forms set draft = draft || jsonb_build_object('buyerEmail', ${email}::text) where id = ${formId}`;
  }
  const res = await guest.fetch(`/api/forms/${formId}/checkout`, { method: 'POST', body: '{}' });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { orderId: string; url: string };
  return { guest, formId, orderId: body.orderId, url: body.url };
}

const payDemo = (url: string) => fetch(`${url}/pay`, { method: 'POST', redirect: 'manual' });

const deliverCard = (event: ReturnType<StripeStandIn['event']>) =>
  fx.stripe.deliver(`${fx.card.server.baseUrl}/api/webhooks/stripe`, event);

async function receiptRow(orderId: string) {
  const [row] = await sql<{ status: string; attempts: number; last_error: string | null }[]>`
    select status, attempts, last_error from receipt_emails where order_id = ${orderId}`;
  return row;
}

// Paid orders with no address: checked for no receipt once no process can send any more.
const unmailed: string[] = [];
// Every address that must end with exactly one email; counted once no process can send any more.
const mailedOnce: string[] = [];

/** Waits for the order's email to be accepted by the mail server and recorded as sent. */
async function theEmail(address: string, orderId: string) {
  mailedOnce.push(address);
  await waitFor(
    async () => fx.smtp.to(address).length > 0 && (await receiptRow(orderId))?.status === 'sent',
    60_000,
    () => `no receipt for ${address}: ${JSON.stringify(fx.smtp.received.map((m) => m.to))}`,
  );
  return fx.smtp.to(address);
}

/**
 * The PUBLIC_URL of the process that sent a mail. In production every process of an
 * installation has the same one; here each test server has its own, and either may win a claim.
 */
function sender(mail: ReceivedMail): string {
  const bases = [fx.card.server.baseUrl, fx.demo.server.baseUrl];
  const base = bases.find((b) => mail.text.includes(`${b}/forms/`));
  expect(base, mail.text).toBeDefined();
  return base!;
}

const titles = async (orderId: string) =>
  (
    await sql<{ items: { title: string }[] }[]>`select items from orders where id = ${orderId}`
  )[0]!.items.map((i) => i.title);

describe('the receipt email', () => {
  it('arrives once after a card payment, Stripe sending the event five times at once and its twin', async () => {
    const address = newAddress();
    const { guest, orderId, url } = await openCheckout(fx.card.server, address);
    const sessionId = url.split('/').pop()!;
    const completed = fx.stripe.event('checkout.session.completed', sessionId);
    const succeeded = fx.stripe.event('checkout.session.async_payment_succeeded', sessionId);
    const answers = await Promise.all([
      ...Array.from({ length: 5 }, () => deliverCard(completed)),
      deliverCard(succeeded),
      deliverCard(succeeded),
    ]);
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200));

    const mails = await theEmail(address, orderId);
    expect(mails).toHaveLength(1);
    const [mail] = mails;
    const [order] = await sql<{ receipt_number: string; form_id: string }[]>`
      select receipt_number, form_id from orders where id = ${orderId}`;
    expect(mail!.from).toBe('receipts@refrain.test');
    expect(mail!.subject).toBe(`Your Refrain receipt ${order!.receipt_number}`);
    for (const title of await titles(orderId)) {
      expect(mail!.text).toContain(title);
      expect(mail!.html).toContain(escapeHtml(title));
    }
    expect(mail!.text).toContain(`Total: ${formatMoney(4900, 'usd', 'en')}`);
    expect(mail!.text).toContain(`Order: ${orderId}`);
    expect(mail!.text).toContain(`${sender(mail!)}/forms/${order!.form_id}`);
    expect(mail!.text).toContain('No gift links yet');
    for (const secret of [guest.token, guest.ownerId, 'sig=', '/api/download/']) {
      expect(mail!.raw).not.toContain(secret);
    }
    expect(await receiptRow(orderId)).toMatchObject({ status: 'sent', attempts: 1 });
    // The SMTP login is the operator's secret: never in a log line.
    expect(fx.card.server.output()).not.toContain(fx.smtp.password);
  });

  it('arrives once when the demo checkout is paid twice at once and its event is replayed', async () => {
    const address = newAddress();
    const { orderId, url } = await openCheckout(fx.demo.server, address, 1);
    const answers = await Promise.all([payDemo(url), payDemo(url), payDemo(url)]);
    expect(answers.map((a) => a.status)).toEqual([303, 303, 303]);
    expect((await payDemo(url)).status).toBe(303);
    const mails = await theEmail(address, orderId);
    expect(mails).toHaveLength(1);
    for (const title of await titles(orderId)) expect(mails[0]!.text).toContain(title);
    // The app is told receipts are emailed, so the thank-you card can say where the copy went.
    const site = (await (await fetch(`${fx.demo.server.baseUrl}/api/config`)).json()) as {
      receiptEmails: boolean;
    };
    expect(site.receiptEmails).toBe(true);
  });

  it('is sent later when the mail server is down at first, once, with the gift link made meanwhile', async () => {
    const address = newAddress();
    const { guest, formId, orderId, url } = await openCheckout(fx.demo.server, address, 1);
    await fx.smtp.down();
    try {
      expect((await payDemo(url)).status).toBe(303);
      await waitFor(
        async () => {
          const row = await receiptRow(orderId);
          return row?.status === 'queued' && row.attempts >= 1 && row.last_error !== null;
        },
        60_000,
        () => 'the first send did not fail and wait for a retry',
      );
      const code = makeGiftCode();
      const [gift] = await sync(guest, [
        op('gift.create', {
          giftId: randomUUID(),
          code,
          formId,
          songIndex: 0,
          toName: 'Siobhan <3',
          allowDownload: false,
        }),
      ]);
      expect(gift!.status).toBe('applied');
      expect(fx.smtp.to(address)).toHaveLength(0);
      await fx.smtp.up();

      const mails = await theEmail(address, orderId);
      expect(mails).toHaveLength(1);
      const base = sender(mails[0]!);
      expect(mails[0]!.text).toContain(`(for Siobhan <3): ${base}/g/${code}`);
      expect(mails[0]!.html).toContain('(for Siobhan &lt;3)');
      expect(mails[0]!.html).toContain(`href="${base}/g/${code}"`);
      expect(mails[0]!.text).not.toContain('No gift links yet');
      const row = await receiptRow(orderId);
      expect(row!.status).toBe('sent');
      expect(row!.attempts).toBeGreaterThanOrEqual(2);
    } finally {
      await fx.smtp.up().catch(() => undefined);
    }
  });

  it('is not sent to a buyer who gave no address; the order is paid all the same', async () => {
    const { orderId, url } = await openCheckout(fx.demo.server, undefined, 1);
    expect((await payDemo(url)).status).toBe(303);
    const [order] = await sql`select status, buyer_email from orders where id = ${orderId}`;
    expect(order).toMatchObject({ status: 'paid', buyer_email: null });
    unmailed.push(orderId);
  });
});

describe('once every mailing process has stopped', () => {
  it('each address got exactly one email, and a buyer with no address none', async () => {
    await fx.card.server.stop();
    await fx.demo.server.stop();
    expect(mailedOnce.length).toBeGreaterThan(0);
    expect(mailedOnce.map((a) => [a, fx.smtp.to(a).length])).toEqual(mailedOnce.map((a) => [a, 1]));
    for (const orderId of unmailed) expect(await receiptRow(orderId)).toBeUndefined();
  });
});

describe('a process killed once the mail server took the receipt, before recording it', () => {
  it('never sends it again: past its lease the receipt is marked unknown', async () => {
    // The other mailing processes were stopped above, so this one wins the claim.
    const doomed = await startMusicGptServer({
      SMTP_URL: fx.smtp.url,
      ...MAIL_ENV,
      REFRAIN_FAULT: 'after-receipt-email',
    });
    try {
      const address = newAddress();
      const { orderId, url } = await openCheckout(doomed.server, address, 1);
      const from = doomed.server.output().length;
      await payDemo(url).catch(() => undefined);
      expect(await doomed.server.apiRestarted(from)).toBe('SIGKILL');
      expect(fx.smtp.to(address)).toHaveLength(1);
      expect(await receiptRow(orderId)).toMatchObject({ status: 'sending', attempts: 1 });
      // The lease of the dead process runs out (moved, rather than waited for).
      await sql`update receipt_emails set lease_until = now() - interval '1 second' where order_id = ${orderId}`;
      await waitFor(async () => (await receiptRow(orderId))?.status === 'unknown', 30_000);
      // A payment event replayed now finds the order paid and its receipt decided.
      expect((await payDemo(url)).status).toBe(303);
      await doomed.server.stop();
      expect(fx.smtp.to(address)).toHaveLength(1);
      expect(await receiptRow(orderId)).toMatchObject({ status: 'unknown', attempts: 1 });
    } finally {
      await doomed.server.stop();
      await doomed.musicgpt.close();
    }
  });
});

describe('without SMTP_URL', () => {
  it('sends nothing and pays as before', async () => {
    // Every mailing process was stopped above: only this one could send.
    const plain = await startMusicGptServer({});
    try {
      const before = fx.smtp.received.length;
      const address = newAddress();
      const { orderId, url } = await openCheckout(plain.server, address, 1);
      expect((await payDemo(url)).status).toBe(303);
      await waitFor(
        async () =>
          (await sql`select status from orders where id = ${orderId}`)[0]?.status === 'paid',
        30_000,
      );
      expect((await health(plain.server.baseUrl))?.status).toBe(200);
      const site = (await (await fetch(`${plain.server.baseUrl}/api/config`)).json()) as {
        receiptEmails: boolean;
      };
      expect(site.receiptEmails).toBe(false);
      expect(await receiptRow(orderId)).toBeUndefined();
      expect(fx.smtp.received.length).toBe(before);
    } finally {
      await plain.server.stop();
      await plain.musicgpt.close();
    }
  });
});
