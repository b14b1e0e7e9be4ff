import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

// A mail server on loopback, as an operator's SMTP relay would take Refrain's receipts: it asks
// for the login in SMTP_URL, keeps every message it accepts (parsed), and can be taken down and
// brought back on the same port.

export interface ReceivedMail {
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  raw: string;
}

export interface SmtpStandIn {
  /** smtp://user:password@127.0.0.1:port */
  url: string;
  user: string;
  password: string;
  received: ReceivedMail[];
  /** Messages accepted for `address`. */
  to(address: string): ReceivedMail[];
  /** Stops listening: sends fail to connect until `up()`. */
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
}

export async function startSmtpStandIn(): Promise<SmtpStandIn> {
  const user = 'refrain-mailer';
  const password = `pw-${Math.random().toString(36).slice(2)}-secret`;
  const received: ReceivedMail[] = [];
  const make = () =>
    new SMTPServer({
      disabledCommands: ['STARTTLS'],
      allowInsecureAuth: true,
      logger: false,
      onAuth(auth, _session, callback) {
        if (auth.username === user && auth.password === password) return callback(null, { user });
        callback(new Error('invalid login'));
      },
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          simpleParser(raw)
            .then((mail) => {
              received.push({
                from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
                to: session.envelope.rcptTo.map((r) => r.address),
                subject: mail.subject ?? '',
                text: mail.text ?? '',
                html: typeof mail.html === 'string' ? mail.html : '',
                raw,
              });
              callback();
            })
            .catch((err: Error) => callback(err));
        });
      },
    });
  let server = make();
  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () =>
        resolve((server.server.address() as AddressInfo).port),
      );
    });
  const port = await listen(0);
  const stop = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return {
    url: `smtp://${user}:${password}@127.0.0.1:${port}`,
    user,
    password,
    received,
    to: (address) => received.filter((m) => m.to.includes(address)),
    down: stop,
    up: async () => {
      server = make();
      await listen(port);
    },
    close: stop,
  };
}
