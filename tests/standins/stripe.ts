import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';

// A local stand-in for the part of Stripe's API Refrain calls, written from Stripe's documentation
// (docs/payments.md lists the pages): POST /v1/checkout/sessions with form-encoded parameters and
// a Bearer secret key, answered with a Checkout Session object; Idempotency-Key honoured as
// https://docs.stripe.com/api/idempotent_requests describes (the first answer of a request that
// began executing is stored and replayed, 500s included; a reused key with other parameters is a
// 400 idempotency_error; a request failing validation or racing one in flight with the same key
// stores nothing, the latter answered 409 idempotency_key_in_use); and signed webhook events
// built like Stripe's, so tests can deliver them.

export type SessionEventType =
  | 'checkout.session.completed'
  | 'checkout.session.async_payment_succeeded'
  | 'checkout.session.async_payment_failed'
  | 'checkout.session.expired';

export interface StandInSession {
  id: string;
  object: 'checkout.session';
  mode: string;
  status: 'open' | 'complete' | 'expired';
  payment_status: 'unpaid' | 'paid' | 'no_payment_required';
  amount_subtotal: number;
  amount_total: number;
  currency: string;
  client_reference_id: string | null;
  customer_email: string | null;
  customer_details: { email: string | null } | null;
  metadata: Record<string, string>;
  payment_intent: string | null;
  success_url: string;
  cancel_url: string | null;
  url: string | null;
  created: number;
  expires_at: number;
  livemode: false;
  line_items_sent: unknown;
}

export interface CreateCall {
  idempotencyKey: string | undefined;
  params: Record<string, unknown>;
  status: number;
  replayed: boolean;
}

export interface StripeScript {
  /** Hold every create answer this long, so concurrent calls overlap. */
  responseDelayMs: number;
  /** Answer the next N creates 500 (stored under their idempotency key, as Stripe does). */
  serverErrorNext: number;
}

export interface SignedEvent {
  id: string;
  payload: string;
  signature: string;
}

export interface StripeStandIn {
  /** Usable as STRIPE_API_BASE. */
  readonly url: string;
  readonly secretKey: string;
  readonly webhookSecret: string;
  /** Every POST /v1/checkout/sessions that passed authentication, replays included. */
  readonly createCalls: CreateCall[];
  /** Sessions made (replays make none). */
  readonly sessions: Map<string, StandInSession>;
  script: StripeScript;
  /**
   * The signed event Stripe would send for this session now, after applying what the event means
   * (completed: complete and paid unless `paymentStatus` says otherwise; expired: expired). Pass a
   * session object to sign an event for a session this stand-in never made.
   */
  event(
    type: SessionEventType,
    session: string | StandInSession,
    opts?: { paymentStatus?: StandInSession['payment_status'] },
  ): SignedEvent;
  /** POSTs a signed event to a webhook URL the way Stripe does. */
  deliver(webhookUrl: string, event: SignedEvent): Promise<Response>;
  reset(): void;
  close(): Promise<void>;
}

const DAY_SEC = 24 * 60 * 60;

function defaultScript(): StripeScript {
  return { responseDelayMs: 0, serverErrorNext: 0 };
}

function id(prefix: string): string {
  return `${prefix}_${randomBytes(12).toString('hex')}`;
}

/** `a[b][0][c]=v` pairs, as stripe-node encodes them, back into nested objects and arrays. */
export function decodeForm(body: string): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(body)) {
    const path = key.replace(/\]/g, '').split('[');
    let node: Record<string, unknown> | unknown[] = root;
    path.forEach((segment, i) => {
      const last = i === path.length - 1;
      const slot = node as Record<string, unknown>;
      if (last) {
        slot[segment] = value;
        return;
      }
      slot[segment] ??= /^\d+$/.test(path[i + 1]!) ? [] : {};
      node = slot[segment] as Record<string, unknown>;
    });
  }
  return root;
}

function stripeError(
  res: ServerResponse,
  status: number,
  error: Record<string, unknown>,
  headers: Record<string, string> = {},
) {
  send(res, status, { error }, headers);
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'request-id': id('req'),
    ...headers,
  });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

type Params = Record<string, unknown>;
const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

/** The documented required parameters of a payment-mode session with inline price_data. */
function missingParam(p: Params): string | undefined {
  if (!str(p.mode)) return 'mode';
  if (!str(p.success_url)) return 'success_url';
  const items = p.line_items;
  if (!Array.isArray(items) || items.length === 0) return 'line_items';
  for (const [i, raw] of items.entries()) {
    const item = raw as Params;
    const data = item.price_data as Params | undefined;
    if (!str(item.price) && !data) return `line_items[${i}][price]`;
    if (!str(item.quantity)) return `line_items[${i}][quantity]`;
    if (data) {
      if (!str(data.currency)) return `line_items[${i}][price_data][currency]`;
      if (!str(data.unit_amount)) return `line_items[${i}][price_data][unit_amount]`;
      if (!str((data.product_data as Params | undefined)?.name) && !str(data.product)) {
        return `line_items[${i}][price_data][product_data][name]`;
      }
    }
  }
  return undefined;
}

function newSession(p: Params): StandInSession {
  const items = (p.line_items as Params[]).map((item) => {
    const data = item.price_data as Params;
    return {
      amount: Number(data.unit_amount) * Number(item.quantity),
      currency: String(data.currency),
    };
  });
  const total = items.reduce((a, i) => a + i.amount, 0);
  const created = Math.floor(Date.now() / 1000);
  const sessionId = id('cs_test');
  return {
    id: sessionId,
    object: 'checkout.session',
    mode: String(p.mode),
    status: 'open',
    payment_status: 'unpaid',
    amount_subtotal: total,
    amount_total: total,
    currency: items[0]!.currency,
    client_reference_id: str(p.client_reference_id) ?? null,
    customer_email: str(p.customer_email) ?? null,
    customer_details: null,
    metadata: (p.metadata as Record<string, string> | undefined) ?? {},
    payment_intent: null,
    success_url: String(p.success_url),
    cancel_url: str(p.cancel_url) ?? null,
    url: `https://checkout.stripe.com/c/pay/${sessionId}`,
    created,
    expires_at: created + DAY_SEC,
    livemode: false,
    line_items_sent: p.line_items,
  };
}

export async function startStripeStandIn(): Promise<StripeStandIn> {
  const secretKey = `sk_test_standin_${randomBytes(8).toString('hex')}`;
  const webhookSecret = `whsec_standin_${randomBytes(16).toString('hex')}`;
  const sessions = new Map<string, StandInSession>();
  const createCalls: CreateCall[] = [];
  const stored = new Map<
    string,
    { paramsHash: string; status: number; body: unknown } | 'in-flight'
  >();
  let script = defaultScript();

  async function create(req: IncomingMessage, res: ServerResponse) {
    const params = decodeForm(await readBody(req));
    const key = req.headers['idempotency-key'] as string | undefined;
    const paramsHash = createHash('sha256').update(JSON.stringify(params)).digest('hex');
    const call: CreateCall = { idempotencyKey: key, params, status: 0, replayed: false };
    createCalls.push(call);

    if (key) {
      const previous = stored.get(key);
      if (previous === 'in-flight') {
        call.status = 409;
        return stripeError(res, 409, {
          type: 'idempotency_error',
          code: 'idempotency_key_in_use',
          message:
            'There is currently another in-progress request using this Idempotent Key (that probably means you submitted twice, and the other request is still going through). Please try again later.',
        });
      }
      if (previous) {
        if (previous.paramsHash !== paramsHash) {
          call.status = 400;
          return stripeError(res, 400, {
            type: 'idempotency_error',
            message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
          });
        }
        call.status = previous.status;
        call.replayed = true;
        return send(res, previous.status, previous.body, {
          'idempotent-replayed': 'true',
          'idempotency-key': key,
        });
      }
      stored.set(key, 'in-flight');
    }

    const answer = (status: number, body: unknown) => {
      if (key) stored.set(key, { paramsHash, status, body });
      call.status = status;
      send(res, status, body, key ? { 'idempotency-key': key } : {});
    };
    if (script.responseDelayMs > 0) await new Promise((r) => setTimeout(r, script.responseDelayMs));
    if (script.serverErrorNext > 0) {
      script.serverErrorNext--;
      return answer(500, { error: { type: 'api_error', message: 'An unknown error occurred' } });
    }
    const missing = missingParam(params);
    if (missing) {
      // Stripe keeps no result for a request that fails validation: the key stays usable.
      if (key) stored.delete(key);
      call.status = 400;
      return stripeError(res, 400, {
        type: 'invalid_request_error',
        code: 'parameter_missing',
        param: missing,
        message: `Missing required param: ${missing}.`,
      });
    }
    const session = newSession(params);
    sessions.set(session.id, session);
    const { line_items_sent: _, ...visible } = session;
    answer(200, visible);
  }

  const server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (req.headers.authorization !== `Bearer ${secretKey}`) {
      return stripeError(res, 401, {
        type: 'invalid_request_error',
        message: 'Invalid API Key provided',
      });
    }
    if (req.method === 'POST' && path === '/v1/checkout/sessions') {
      create(req, res).catch((err) =>
        stripeError(res, 500, { type: 'api_error', message: String(err) }),
      );
      return;
    }
    const m = /^\/v1\/checkout\/sessions\/([\w]+)$/.exec(path ?? '');
    if (req.method === 'GET' && m && sessions.has(m[1]!)) {
      const { line_items_sent: _, ...visible } = sessions.get(m[1]!)!;
      return send(res, 200, visible);
    }
    stripeError(res, 404, {
      type: 'invalid_request_error',
      message: `Unrecognized request URL (${req.method}: ${path}).`,
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  function event(
    type: SessionEventType,
    target: string | StandInSession,
    opts: { paymentStatus?: StandInSession['payment_status'] } = {},
  ): SignedEvent {
    const session = typeof target === 'string' ? sessions.get(target) : target;
    if (!session) throw new Error(`the stand-in made no session ${String(target)}`);
    switch (type) {
      case 'checkout.session.completed':
        session.status = 'complete';
        session.payment_status = opts.paymentStatus ?? 'paid';
        session.payment_intent ??= id('pi');
        session.customer_details ??= { email: session.customer_email };
        break;
      case 'checkout.session.async_payment_succeeded':
        session.payment_status = 'paid';
        break;
      case 'checkout.session.async_payment_failed':
        session.payment_status = 'unpaid';
        break;
      case 'checkout.session.expired':
        session.status = 'expired';
        session.url = null;
        break;
    }
    const { line_items_sent: _, ...object } = session;
    const eventId = id('evt');
    const payload = JSON.stringify({
      id: eventId,
      object: 'event',
      api_version: '2025-01-27.acacia',
      created: Math.floor(Date.now() / 1000),
      data: { object },
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      type,
    });
    return {
      id: eventId,
      payload,
      signature: Stripe.webhooks.generateTestHeaderString({ payload, secret: webhookSecret }),
    };
  }

  return {
    url: `http://127.0.0.1:${port}`,
    secretKey,
    webhookSecret,
    createCalls,
    sessions,
    get script() {
      return script;
    },
    set script(s) {
      script = s;
    },
    event,
    deliver: (webhookUrl, signed) =>
      fetch(webhookUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'stripe-signature': signed.signature,
        },
        body: signed.payload,
      }),
    reset() {
      createCalls.length = 0;
      sessions.clear();
      stored.clear();
      script = defaultScript();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
