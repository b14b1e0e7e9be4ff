import nodemailer from 'nodemailer';

/** What sending one message came to: accepted, refused or unreachable (nothing sent), or unknown. */
export type SendResult =
  | { kind: 'sent'; messageId: string }
  | { kind: 'not-sent'; permanent: boolean; reason: string }
  | { kind: 'unknown'; reason: string };

export interface OutgoingMail {
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
}

export interface MailSender {
  send(mail: OutgoingMail): Promise<SendResult>;
  close(): void;
}

// Short enough that a dead server costs a retry, not a stuck send; the lease outlasts them all.
const CONNECTION_TIMEOUT_MS = 10_000;
const GREETING_TIMEOUT_MS = 10_000;
const SOCKET_TIMEOUT_MS = 30_000;
/** Longest one send can take before its lease may be taken for dead. */
export const SEND_LEASE_MS = 120_000;

// Failures that happen before any SMTP command: the message cannot have reached the server.
const NO_CONNECTION = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
]);

// Timeouts while connecting, waiting for the greeting or securing the line: before any envelope.
const SETUP_TIMEOUTS = new Set(['CONNECT_TIMEOUT', 'GREETING_TIMEOUT', 'UPGRADE_TIMEOUT']);

/** The SMTP URL as a log line may show it: scheme, host and port, never the credentials. */
export function redactSmtpUrl(smtpUrl: string): string {
  try {
    const url = new URL(smtpUrl);
    return `${url.protocol}//${url.hostname}${url.port ? `:${url.port}` : ''}`;
  } catch {
    return '(an SMTP URL)';
  }
}

interface SmtpError {
  code?: string;
  originalCode?: string;
  responseCode?: number;
  command?: string;
  timeoutType?: string;
  message?: string;
}

/**
 * Whether a failed send may be tried again without risking a second copy. A server that answered
 * with a code refused the message (4xx: try later; 5xx: never); a connection that was never made
 * carried nothing. Any other failure (the connection dropped or timed out mid-session) may have
 * come after the server took the message, so it is not retried.
 */
export function classifyFailure(err: unknown): SendResult {
  const e = (err ?? {}) as SmtpError;
  const reason = redactedReason(e);
  if (typeof e.responseCode === 'number' && e.responseCode >= 400) {
    return { kind: 'not-sent', permanent: e.responseCode >= 500, reason };
  }
  const connecting =
    NO_CONNECTION.has(e.originalCode ?? '') ||
    NO_CONNECTION.has(e.code ?? '') ||
    e.code === 'EDNS' ||
    SETUP_TIMEOUTS.has(e.timeoutType ?? '');
  if (connecting) return { kind: 'not-sent', permanent: false, reason };
  return { kind: 'unknown', reason };
}

// Error messages can quote the server; they never hold the URL, but are cut to a line anyway.
const redactedReason = (e: SmtpError) =>
  [e.code, e.originalCode, e.responseCode, e.message]
    .filter((part) => part !== undefined && part !== '')
    .join(' ')
    .replace(/[\r\n]+/g, ' ')
    .slice(0, 300);

/** A sender over SMTP_URL (smtp:// with STARTTLS when offered, or smtps://). */
export function smtpSender(smtpUrl: string): MailSender {
  const transport = nodemailer.createTransport({
    url: smtpUrl,
    connectionTimeout: CONNECTION_TIMEOUT_MS,
    greetingTimeout: GREETING_TIMEOUT_MS,
    socketTimeout: SOCKET_TIMEOUT_MS,
  });
  return {
    async send(mail) {
      try {
        const info = await transport.sendMail(mail);
        return { kind: 'sent', messageId: String(info.messageId ?? '') };
      } catch (err) {
        return classifyFailure(err);
      }
    },
    close: () => transport.close(),
  };
}
