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
// built like Stripe's, so tests can deliver them. Also POST /v1/checkout/sessions/:id/expire
// (https://docs.stripe.com/api/checkout/sessions/expire: only an open session; it answers the
// Session, now expired) and POST /v1/refunds (https://docs.stripe.com/api/refunds/create: a
// Refund object for a payment_intent, the whole amount by default), under the same idempotency.

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

export interface ExpireCall {
  sessionId: string;
  status: number;
}

export interface RefundCall {
  idempotencyKey: string | undefined;
  params: Record<string, unknown>;
  status: number;
  replayed: boolean;
}

export interface StandInRefund {
  id: string;
  object: 'refund';
  amount: number;
  currency: string;
  payment_intent: string;
  charge: string;
  reason: string | null;
  metadata: Record<string, string>;
  status: 'succeeded';
  created: number;
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
  /** Every POST /v1/checkout/sessions/:id/expire that passed authentication. */
  readonly expireCalls: ExpireCall[];
  /** Every POST /v1/refunds that passed authentication, replays included. */
  readonly refundCalls: RefundCall[];
  /** Refunds made (replays make none). */
  readonly refunds: Map<string, StandInRefund>;
  script: StripeScript;
  /**
   * The signed event Stripe would send for this session now, after applying what the event means
   * (completed: complete and paid unless `paymentStatus` says otherwise — the person paid on
   * Stripe's page; expired: expired). Pass a session object to sign an event for a session this
   * stand-in never made; `timestamp` (seconds) signs it as of another time.
   */
  event(
    type: SessionEventType,
    session: string | StandInSession,
    opts?: { paymentStatus?: StandInSession['payment_status']; timestamp?: number },
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
  const expireCalls: ExpireCall[] = [];
  const refundCalls: RefundCall[] = [];
  const refunds = new Map<string, StandInRefund>();
  const stored = new Map<
    string,
    { paramsHash: string; status: number; body: unknown } | 'in-flight'
  >();
  let script = defaultScript();

  /**
   * Runs `handle` once per Idempotency-Key as Stripe documents it: the first answer of a request
   * that began executing is stored and replayed (`Idempotent-Replayed: true`), other parameters
   * under the key are a 400, a twin still in flight is a 409, and a validation failure (status
   * 400 from `handle` with `stored: false`) stores nothing.
   */
  async function idempotent(
    req: IncomingMessage,
    res: ServerResponse,
    call: { idempotencyKey: string | undefined; params: Params; status: number; replayed: boolean },
    handle: () => Promise<{ status: number; body: unknown; stored?: boolean }>,
  ) {
    const key = call.idempotencyKey;
    const paramsHash = createHash('sha256')
      .update(`${req.url}|${JSON.stringify(call.params)}`)
      .digest('hex');
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
    if (script.responseDelayMs > 0) await new Promise((r) => setTimeout(r, script.responseDelayMs));
    let answer: { status: number; body: unknown; stored?: boolean };
    if (script.serverErrorNext > 0) {
      script.serverErrorNext--;
      answer = {
        status: 500,
        body: { error: { type: 'api_error', message: 'An unknown error occurred' } },
      };
    } else {
      answer = await handle();
    }
    if (key) {
      if (answer.stored === false) stored.delete(key);
      else stored.set(key, { paramsHash, status: answer.status, body: answer.body });
    }
    call.status = answer.status;
    send(res, answer.status, answer.body, key ? { 'idempotency-key': key } : {});
  }

  const invalid = (param: string, message: string, code = 'parameter_missing') => ({
    status: 400,
    body: { error: { type: 'invalid_request_error', code, param, message } },
    // Stripe keeps no result for a request that fails validation: the key stays usable.
    stored: false,
  });

  async function create(req: IncomingMessage, res: ServerResponse) {
    const params = decodeForm(await readBody(req));
    const key = req.headers['idempotency-key'] as string | undefined;
    const call: CreateCall = { idempotencyKey: key, params, status: 0, replayed: false };
    createCalls.push(call);
    await idempotent(req, res, call, async () => {
      const missing = missingParam(params);
      if (missing) return invalid(missing, `Missing required param: ${missing}.`);
      const session = newSession(params);
      sessions.set(session.id, session);
      const { line_items_sent: _, ...visible } = session;
      return { status: 200, body: visible };
    });
  }

  function expire(sessionId: string, res: ServerResponse) {
    const session = sessions.get(sessionId);
    const call: ExpireCall = { sessionId, status: 0 };
    expireCalls.push(call);
    const answer = (status: number, body: unknown) => {
      call.status = status;
      send(res, status, body);
    };
    if (!session) {
      return answer(404, {
        error: {
          type: 'invalid_request_error',
          code: 'resource_missing',
          param: 'session',
          message: `No such checkout.session: '${sessionId}'`,
        },
      });
    }
    if (session.status !== 'open') {
      return answer(400, {
        error: {
          type: 'invalid_request_error',
          message: `Only Checkout Sessions with a status in ["open"] can be expired. This Checkout Session has a status of \`${session.status}\`.`,
        },
      });
    }
    session.status = 'expired';
    session.url = null;
    const { line_items_sent: _, ...visible } = session;
    answer(200, visible);
  }

  async function refund(req: IncomingMessage, res: ServerResponse) {
    const params = decodeForm(await readBody(req));
    const key = req.headers['idempotency-key'] as string | undefined;
    const call: RefundCall = { idempotencyKey: key, params, status: 0, replayed: false };
    refundCalls.push(call);
    await idempotent(req, res, call, async () => {
      const intent = str(params.payment_intent);
      if (!intent && !str(params.charge)) {
        return invalid(
          'payment_intent',
          'One of the following params should be provided for this request: payment_intent or charge.',
        );
      }
      const session = [...sessions.values()].find(
        (s) => s.payment_intent === intent && s.payment_status === 'paid',
      );
      if (!session) {
        return {
          status: 404,
          body: {
            error: {
              type: 'invalid_request_error',
              code: 'resource_missing',
              param: 'payment_intent',
              message: `No such payment_intent: '${intent ?? params.charge}'`,
            },
          },
        };
      }
      const charge = `ch_${intent!.slice(3)}`;
      const refunded = [...refunds.values()]
        .filter((r) => r.payment_intent === intent)
        .reduce((n, r) => n + r.amount, 0);
      const amount =
        params.amount === undefined ? session.amount_total - refunded : Number(params.amount);
      if (amount <= 0 || refunded + amount > session.amount_total) {
        return {
          status: 400,
          body: {
            error: {
              type: 'invalid_request_error',
              code: 'charge_already_refunded',
              message: `Charge ${charge} has already been refunded.`,
            },
          },
        };
      }
      const made: StandInRefund = {
        id: id('re'),
        object: 'refund',
        amount,
        currency: session.currency,
        payment_intent: intent!,
        charge,
        reason: str(params.reason) ?? null,
        metadata: (params.metadata as Record<string, string> | undefined) ?? {},
        status: 'succeeded',
        created: Math.floor(Date.now() / 1000),
      };
      refunds.set(made.id, made);
      return { status: 200, body: made };
    });
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
    const fail = (err: unknown) =>
      stripeError(res, 500, { type: 'api_error', message: String(err) });
    if (req.method === 'POST' && path === '/v1/refunds') {
      refund(req, res).catch(fail);
      return;
    }
    const expiring = /^\/v1\/checkout\/sessions\/([\w]+)\/expire$/.exec(path ?? '');
    if (req.method === 'POST' && expiring) {
      readBody(req).then(() => expire(expiring[1]!, res), fail);
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
    opts: { paymentStatus?: StandInSession['payment_status']; timestamp?: number } = {},
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
      signature: Stripe.webhooks.generateTestHeaderString({
        payload,
        secret: webhookSecret,
        timestamp: opts.timestamp,
      }),
    };
  }

  return {
    url: `http://127.0.0.1:${port}`,
    secretKey,
    webhookSecret,
    createCalls,
    sessions,
    expireCalls,
    refundCalls,
    refunds,
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
      expireCalls.length = 0;
      refundCalls.length = 0;
      refunds.clear();
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
