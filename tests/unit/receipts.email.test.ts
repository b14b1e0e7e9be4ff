import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.ts';
import { renderReceiptEmail, type ReceiptFacts } from '../../server/receipts/email.ts';
import { classifyFailure, redactSmtpUrl } from '../../server/receipts/smtp.ts';

const facts = (overrides: Partial<ReceiptFacts> = {}): ReceiptFacts => ({
  orderId: '0190aaaa-0000-7000-8000-000000000001',
  formId: '0190bbbb-0000-7000-8000-000000000002',
  receiptNumber: 'RF-000042',
  method: 'stripe',
  amountCents: 4900,
  currency: 'usd',
  creditsSpent: 0,
  paidAt: new Date('2026-12-03T10:00:00Z'),
  items: [
    { songIndex: 1, title: 'Ben & the "Bus Stop" <Blues>' },
    { songIndex: 0, title: "Ana's Song" },
  ],
  gifts: [],
  ...overrides,
});

const BASE = 'https://refrain.example';

describe('the receipt email', () => {
  it('lists the songs in order, the total, the receipt and order numbers and the link to the app', () => {
    const email = renderReceiptEmail(facts(), BASE);
    expect(email.subject).toBe('Your Refrain receipt RF-000042');
    expect(email.text).toContain('Total: $49.00');
    expect(email.text).toContain('Receipt: RF-000042');
    expect(email.text).toContain('Order: 0190aaaa-0000-7000-8000-000000000001');
    expect(email.text).toContain(
      'You bought 2 songs:\n- Ana\'s Song\n- Ben & the "Bus Stop" <Blues>',
    );
    expect(email.text).toContain(`${BASE}/forms/0190bbbb-0000-7000-8000-000000000002`);
    expect(email.text).toContain('No gift links yet');
  });

  it('escapes every outside word in the HTML', () => {
    const { html } = renderReceiptEmail(
      facts({
        gifts: [{ code: 'A'.repeat(22), songIndex: 1, toName: '<img src=x onerror=alert(1)>' }],
      }),
      BASE,
    );
    expect(html).toContain('<li>Ben &amp; the &quot;Bus Stop&quot; &lt;Blues&gt;</li>');
    expect(html).toContain('<li>Ana&#39;s Song</li>');
    expect(html).toContain('(for &lt;img src=x onerror=alert(1)&gt;)');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<Blues>');
  });

  it('gives the gift links of the bought songs only, and a whole-order gift as all the songs', () => {
    const email = renderReceiptEmail(
      facts({
        items: [{ songIndex: 0, title: 'One' }],
        gifts: [
          { code: 'a'.repeat(22), songIndex: 0, toName: 'Siobhan' },
          { code: 'b'.repeat(22), songIndex: 3, toName: null },
          { code: 'c'.repeat(22), songIndex: null, toName: null },
        ],
      }),
      BASE,
    );
    expect(email.text).toContain(`- One (for Siobhan): ${BASE}/g/${'a'.repeat(22)}`);
    expect(email.text).toContain(`- All the songs: ${BASE}/g/${'c'.repeat(22)}`);
    expect(email.text).not.toContain('b'.repeat(22));
    expect(email.html).toContain(`<a href="${BASE}/g/${'a'.repeat(22)}">`);
    expect(email.text).not.toContain('No gift links yet');
  });

  it('keeps a title to one line, says credits for a credit payment and names untitled songs', () => {
    const email = renderReceiptEmail(
      facts({
        method: 'credits',
        amountCents: 0,
        creditsSpent: 2,
        receiptNumber: null,
        items: [
          { songIndex: 0, title: 'Line one\r\nBcc: someone@example.com' },
          { songIndex: 1, title: null },
        ],
      }),
      BASE,
    );
    expect(email.subject).toBe('Your Refrain receipt');
    expect(email.text).toContain('Total: 2 credits');
    expect(email.text).toContain('- Line one Bcc: someone@example.com\n- Song 2\n');
  });
});

describe('the mail settings', () => {
  it('are off without SMTP_URL, and never echo its credentials in an error', () => {
    expect(loadConfig({}).mail).toBeUndefined();
    const on = loadConfig({ SMTP_URL: 'smtps://u:p@mail.example:465', PUBLIC_URL: BASE });
    expect(on.mail).toMatchObject({
      smtpUrl: 'smtps://u:p@mail.example:465',
      from: 'Refrain <receipts@refrain.example>',
      retryMs: 60_000,
      maxAttempts: 8,
    });
    expect(() => loadConfig({ SMTP_URL: 'http://u:hunter22@mail.example' })).toThrow(
      /SMTP_URL: .*\(got a hidden value\)/,
    );
    expect(() => loadConfig({ SMTP_URL: 'http://u:hunter22@mail.example' })).not.toThrow(
      /hunter22/,
    );
    expect(() => loadConfig({ SMTP_URL: 'smtp://mail.example', MAIL_FROM: 'nobody' })).toThrow(
      /MAIL_FROM/,
    );
    expect(loadConfig({ SMTP_URL: 'smtp://m', MAIL_FROM: 'Shop <a@b.example>' }).mail?.from).toBe(
      'Shop <a@b.example>',
    );
  });

  it('are logged without the login', () => {
    expect(redactSmtpUrl('smtps://user:s3cret@mail.example:465')).toBe('smtps://mail.example:465');
  });
});

describe('a failed send', () => {
  it('is retried only when the message cannot have reached the server', () => {
    const refusedConnection = Object.assign(new Error('connect ECONNREFUSED'), {
      code: 'ESOCKET',
      originalCode: 'ECONNREFUSED',
      command: 'CONN',
    });
    expect(classifyFailure(refusedConnection)).toMatchObject({
      kind: 'not-sent',
      permanent: false,
    });
    expect(classifyFailure({ code: 'EENVELOPE', responseCode: 451 })).toMatchObject({
      kind: 'not-sent',
      permanent: false,
    });
    expect(classifyFailure({ code: 'EMESSAGE', responseCode: 554 })).toMatchObject({
      kind: 'not-sent',
      permanent: true,
    });
    // The connection dropped mid-session: the server may have taken the message already.
    expect(
      classifyFailure({ code: 'ECONNECTION', command: 'CONN', message: 'Connection closed' }),
    ).toMatchObject({ kind: 'unknown' });
    expect(
      classifyFailure({ code: 'ETIMEDOUT', timeoutType: 'GREETING_TIMEOUT', command: 'CONN' }),
    ).toMatchObject({ kind: 'not-sent', permanent: false });
    expect(
      classifyFailure({ code: 'ETIMEDOUT', timeoutType: 'SOCKET_TIMEOUT', command: 'CONN' }),
    ).toMatchObject({ kind: 'unknown' });
  });
});
