import type { Sql } from 'postgres';
import type { Config } from '../config.ts';
import { logger } from '../log.ts';
import { ReceiptMailer } from './mailer.ts';
import { redactSmtpUrl, smtpSender } from './smtp.ts';

const log = logger('receipts');

/** The receipt mailer when SMTP_URL is set; without it, none: receipts live in the app only. */
export function createReceiptMailer(
  sql: Sql,
  config: Pick<Config, 'mail' | 'publicUrl'>,
): ReceiptMailer | undefined {
  const { mail } = config;
  if (!mail) return undefined;
  log.info('receipts are emailed', { smtp: redactSmtpUrl(mail.smtpUrl), from: mail.from });
  return new ReceiptMailer(sql, { publicUrl: config.publicUrl, mail }, smtpSender(mail.smtpUrl));
}
