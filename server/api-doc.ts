import { DraftDoc } from '../schema/draft.ts';
import { GIFT_CODE_PATTERN } from '../schema/gifts.ts';
import { z } from '../schema/zod.ts';
import { OpArgs, SyncBatch, SyncOp } from '../schema/ops.ts';
import { SiteInfo } from '../schema/site.ts';
import { PronounceAnswer, PronounceQuery } from '../schema/pronunciation.ts';
import type { Config } from './config.ts';
import {
  error,
  jsonSchema,
  limited,
  openApiDocument,
  type Param,
  type RouteDoc,
} from './http/openapi.ts';
import { UuidParam } from './http/request.ts';
import { SessionId } from './payments/demo.ts';
import { CheckoutRequest } from './payments/routes.ts';
import { PushEndpointBody, PushSubscriptionBody } from './push/routes.ts';
import { RedeemRequest } from './resume/routes.ts';

// Every route createApp (app.ts) serves, as GET /api/openapi.json shows it. Bodies and checked
// parameters name the schemas the routes read them with; tests/unit/openapi.test.ts fails when a
// route is served but missing here, or named here but not served.

/** A path parameter the route's Hono pattern holds to 36 hex digits and dashes: an id. */
const GiftCode = z.string().regex(GIFT_CODE_PATTERN);
const GiftSongNumber = z.string().regex(/^[1-5]$/);

const id = (name: string): Param => ({
  in: 'path',
  name,
  schema: { type: 'string', format: 'uuid' },
});
const query = (name: string, type: 'string' | 'integer' = 'string'): Param => ({
  in: 'query',
  name,
  schema: { type },
});
const formId: Param = { in: 'path', name: 'formId', schema: UuidParam };

/** The demo checkout's pages (server/payments/demo.ts), served only without a Stripe key. */
const demoPage = {
  params: [{ in: 'path', name: 'sessionId', schema: SessionId }],
  servedWhen: (config: Config) => config.payments === 'demo',
} satisfies Partial<RouteDoc>;
const demoNotFound = { description: 'text/html: no such demo checkout' };
const giftSong = {
  params: [
    { in: 'path', name: 'code', schema: GiftCode },
    { in: 'path', name: 'n', schema: GiftSongNumber },
  ],
} satisfies Partial<RouteDoc>;
const giftGone = { description: 'unknown or revoked code, or no such song in the gift' };
const giftHidden = { description: 'the gift opens later (its reveal date)' };

export const ROUTES: readonly RouteDoc[] = [
  {
    method: 'post',
    path: '/api/session',
    summary: 'Start a guest session (limited per client address: RATE_SESSIONS_PER_IP)',
    responses: { 201: { description: '{token, ownerId}' }, 429: limited },
  },
  {
    method: 'get',
    path: '/api/session',
    summary: 'Whose token this is; 401 once it no longer works (expired or signed out)',
    bearer: true,
    responses: { 200: { description: '{ownerId}' }, 401: error },
  },
  {
    method: 'post',
    path: '/api/session/sign-out-everywhere',
    summary:
      'End every token of this owner and every open resume link; this device gets a new token',
    description:
      'Other devices get 401 at their next request, and their live sync connections are closed at once.',
    bearer: true,
    responses: { 200: { description: '{token, ownerId}' }, 401: error },
  },
  {
    method: 'get',
    path: '/api/health',
    summary: 'Health of every part',
    responses: {
      200: { description: 'all up' },
      503: { description: 'a part is down (named in the body)' },
    },
  },
  {
    method: 'get',
    path: '/metrics',
    summary: "What the shop does and spends, in Prometheus' text format (docs/metrics.md)",
    description:
      'From loopback, or with METRICS_TOKEN as a Bearer token: anyone else is refused with no figures.',
    responses: {
      200: { description: 'Prometheus text format, version 0.0.4' },
      401: { description: 'not from loopback and no token' },
      403: { description: 'a wrong token' },
    },
  },
  {
    method: 'get',
    path: '/api/config',
    summary:
      "What this installation offers: its providers, whether songs are sung, prices, sample songs to hear, and where live sync is (null: this origin's /zero)",
    responses: {
      200: {
        description: 'what this installation offers',
        content: { 'application/json': { schema: jsonSchema(SiteInfo) } },
      },
    },
  },
  {
    method: 'get',
    path: '/api/openapi.json',
    summary: 'This document',
    responses: { 200: { description: 'OpenAPI 3.1' } },
  },
  {
    method: 'post',
    path: '/api/sync',
    summary: 'Apply a batch of client operations, each idempotent by its id',
    description: `Each op is read alone as components.schemas.SyncOp, then its args by type: ${Object.keys(OpArgs).join(', ')} (see components.schemas["op:<type>"]). Each op answers applied, duplicate (replayed id, stored result), rejected (with code and error; nothing written) or limited (a per-owner limit: nothing written; send it again after retryAfterMs). A batch with a limited op answers 429 with Retry-After and the results of every op.`,
    bearer: true,
    body: { schema: SyncBatch, required: true },
    responses: {
      200: { description: '{results: [{id, status, result?, code?, error?}]}' },
      400: error,
      401: error,
      413: error,
      429: { ...limited, description: `${limited.description}; body also has results` },
    },
  },
  {
    method: 'get',
    path: '/api/forms/{formId}',
    summary: "The caller's form with songs, slots (all attempts), takes and selections",
    bearer: true,
    params: [formId],
    responses: { 200: { description: 'the form' }, 401: error, 404: error },
  },
  {
    method: 'post',
    path: '/api/webhooks/musicgpt/{slotId}',
    summary: 'MusicGPT webhook; the URL carries an HMAC token per slot',
    description:
      'Links must be https to a public address (MEDIA_TRUSTED_HOSTS excepted); a delivery for a ready or paid slot changes nothing anyone heard or read.',
    params: [id('slotId'), query('token')],
    responses: {
      200: { description: 'merged, or a duplicate' },
      401: error,
      409: { ...error, description: 'the slot is made by the built-in engine' },
      422: { ...error, description: 'a link that is not allowed; nothing was applied' },
    },
  },
  {
    method: 'get',
    path: '/api/audio/{file}',
    summary: 'Audio of a take, with Range support; the signature comes with the take',
    params: [
      {
        in: 'path',
        name: 'file',
        description: "the take's id, then .mp3",
        schema: { type: 'string', pattern: '^[0-9a-f-]{36}\\.mp3$' },
      },
      query('sig'),
    ],
    responses: {
      200: { description: 'audio/mpeg' },
      206: { description: 'a range' },
      403: error,
      404: error,
    },
  },
  {
    method: 'get',
    path: '/api/samples/{id}',
    summary:
      "A sample song's audio, with Range support: one of the samples GET /api/config lists (their audioUrl)",
    description:
      'The built-in engine renders each of its samples on the first request (a 30-second preview; concurrent first requests wait on one render); with MusicGPT only the samples the operator listed in DATA_DIR/samples/samples.json are served. The listed audioUrl ends in ?v=<version>, so a new version of a sample has a new URL; the version is not checked.',
    params: [{ in: 'path', name: 'id', schema: { type: 'string' } }],
    responses: {
      200: { description: 'audio/mpeg' },
      206: { description: 'a range' },
      404: { ...error, description: 'no such sample (the list changed)' },
      500: { ...error, description: 'the sample could not be rendered now; try again' },
    },
  },
  {
    method: 'get',
    path: '/api/audio/covers/{slotId}',
    summary: "A slot's album cover, stored and checked by this server",
    params: [id('slotId'), query('sig')],
    responses: { 200: { description: 'image/jpeg or image/png' }, 403: error, 404: error },
  },
  {
    method: 'get',
    path: '/api/streams/{id}/index.m3u8',
    summary:
      'The live HLS playlist of a take still being made, fetched from the music provider now; its links point back here',
    params: [id('id'), query('sig')],
    responses: {
      200: { description: 'application/vnd.apple.mpegurl' },
      403: error,
      404: error,
      410: { ...error, description: 'the take is ready (play its preview) or failed' },
      502: error,
    },
  },
  {
    method: 'get',
    path: '/api/streams/{id}/part',
    summary:
      'One link a live playlist named (a segment or a nested playlist); the signature covers the link',
    params: [id('id'), query('u'), query('sig')],
    responses: {
      200: { description: 'video/mp2t, audio/mp4, audio/aac, audio/mpeg or a playlist' },
      403: error,
      404: error,
      410: error,
      502: error,
    },
  },
  {
    method: 'post',
    path: '/api/resume-codes',
    summary: 'Make a one-time link (15 minutes) to continue on another device',
    bearer: true,
    responses: { 201: { description: '{code, expiresAt, url}' }, 401: error },
  },
  {
    method: 'post',
    path: '/api/resume-codes/redeem',
    summary: 'Redeem a resume code once: a session for the same owner (tries limited per address)',
    body: { schema: RedeemRequest, required: true },
    responses: {
      200: { description: '{token, ownerId}' },
      400: error,
      410: error,
      429: limited,
    },
  },
  {
    method: 'get',
    path: '/api/push/key',
    summary: "This installation's VAPID public key: the page's applicationServerKey for Web Push",
    responses: { 200: { description: '{publicKey}' } },
  },
  {
    method: 'put',
    path: '/api/push/subscriptions',
    summary:
      "Keep this device's push subscription (the browser's toJSON()); its endpoint must be https to a public address",
    bearer: true,
    body: { schema: PushSubscriptionBody, required: true },
    responses: {
      201: { description: '{subscribed: true}' },
      400: error,
      401: error,
      422: error,
    },
  },
  {
    method: 'delete',
    path: '/api/push/subscriptions',
    summary: "Stop notifications to this device's endpoint",
    bearer: true,
    body: { schema: PushEndpointBody, required: true },
    responses: { 200: { description: '{removed}' }, 400: error, 401: error },
  },
  {
    method: 'get',
    path: '/api/pronounce',
    summary:
      'Respellings of a name a pronouncing dictionary knows, to sing it right ("Siobhan": "shuh-VAWN")',
    description:
      'Syllables are hyphenated and the stressed one is in capitals (docs/writer.md). A name the dictionary does not know answers an empty list.',
    params: [{ in: 'query', name: 'name', schema: PronounceQuery.shape.name }],
    responses: {
      200: {
        description: 'the respellings, most common first',
        content: { 'application/json': { schema: jsonSchema(PronounceAnswer) } },
      },
      400: error,
    },
  },
  {
    method: 'post',
    path: '/api/forms/{formId}/checkout',
    summary: 'Start paying for the chosen takes; the server sets the price',
    description:
      'Anything but the method (a price) is ignored; an empty body pays by card. Answers {orderId, status, method, url, amountCents, currency, creditsSpent}; amountCents is in the currency’s smallest unit (cents, or whole yen), as Stripe charges it.',
    bearer: true,
    params: [formId],
    body: { schema: CheckoutRequest, required: false },
    responses: {
      200: { description: 'the order and where to pay' },
      400: error,
      402: error,
      404: error,
      409: error,
      502: error,
    },
  },
  {
    method: 'get',
    path: '/api/forms/{formId}/downloads',
    summary: 'Short-lived links to the full songs of a paid form',
    bearer: true,
    params: [formId],
    responses: {
      200: {
        description: '{formId, expiresAt, songs: [{songIndex, title, mp3Url, wavUrl?, lyricsUrl}]}',
      },
      402: error,
      404: error,
    },
  },
  {
    method: 'get',
    path: '/api/download/{file}',
    summary: 'A full MP3, WAV or lyrics file through a signed 15-minute link; only after payment',
    params: [
      {
        in: 'path',
        name: 'file',
        description: "the take's id, then .mp3, .wav or .txt",
        schema: { type: 'string', pattern: '^[0-9a-f-]{36}\\.(mp3|wav|txt)$' },
      },
      query('exp', 'integer'),
      query('sig'),
    ],
    responses: { 200: { description: 'the file' }, 403: error },
  },
  {
    method: 'post',
    path: '/api/webhooks/stripe',
    summary: 'Stripe events, verified on the raw body (Stripe-Signature)',
    description:
      'A timestamp more than 300 s old or ahead is refused. A payment for songs already paid another way is refunded automatically, once (outcome "refunded").',
    responses: { 200: { description: 'received (or a duplicate)' }, 400: error },
  },
  {
    method: 'get',
    path: '/zero/sync/v{version}/connect',
    summary: "Zero's live sync WebSocket (upgrade only), carried to zero-cache on loopback",
    description:
      "The token travels inside Sec-WebSocket-Protocol, as Zero's client encodes it. Nothing else under /zero reaches zero-cache.",
    params: [{ in: 'path', name: 'version', schema: { type: 'integer' } }],
    responses: {
      101: { description: 'switching to the WebSocket' },
      401: { description: 'missing or invalid token' },
      403: { description: 'the token belongs to another owner than userID' },
      404: { description: 'anything but the sync socket' },
      503: { description: 'live sync is not running right now' },
    },
  },
  {
    method: 'post',
    path: '/api/zero/query',
    summary: 'Named-query resolver called by zero-cache (owner-only reads)',
    bearer: true,
    responses: { 200: { description: 'ASTs' }, 401: error },
  },
  {
    method: 'post',
    path: '/api/zero/mutate',
    summary: 'Called by zero-cache; Zero mutators are not used',
    bearer: true,
    responses: { 200: { description: 'results' }, 401: error },
  },
  {
    ...demoPage,
    method: 'get',
    path: '/demo-checkout/{sessionId}',
    summary: "The demo payment page, standing in for Stripe's without a Stripe key (HTML)",
    responses: {
      200: { description: 'text/html: the page with Pay' },
      404: demoNotFound,
      409: { description: 'text/html: this checkout ended (its songs were paid another way)' },
    },
  },
  {
    ...demoPage,
    method: 'post',
    path: '/demo-checkout/{sessionId}/pay',
    summary: "Pay the demo checkout: the same Stripe-shaped event and receiver as Stripe's webhook",
    responses: {
      303: { description: 'paid: back to the form' },
      404: demoNotFound,
      409: { description: 'text/html: this checkout ended; anything taken was refunded' },
    },
  },
  {
    method: 'get',
    path: '/g/{code}',
    summary:
      'A gift page for anyone holding the link (HTML, no account): cover, title, dedication, message, player and lyrics; a countdown before its reveal date',
    params: [{ in: 'path', name: 'code', schema: GiftCode }],
    responses: {
      200: { description: 'text/html: the gift' },
      404: { description: 'text/html: unknown or revoked code' },
    },
  },
  {
    ...giftSong,
    method: 'get',
    path: '/g/{code}/{n}/audio.mp3',
    summary: "The gift's song n, the full paid take (single Range requests)",
    responses: {
      200: { description: 'audio/mpeg' },
      206: { description: 'audio/mpeg, the range asked for' },
      403: giftHidden,
      404: giftGone,
    },
  },
  {
    ...giftSong,
    method: 'get',
    path: '/g/{code}/{n}/cover',
    summary:
      "The cover of the gift's song n: the provider's stored image, else one drawn from its title and mood",
    responses: {
      200: { description: 'image/jpeg, image/png or image/svg+xml' },
      403: giftHidden,
      404: giftGone,
    },
  },
  {
    ...giftSong,
    method: 'get',
    path: '/g/{code}/{n}/og-image',
    summary:
      "The cover of the gift's song n as JPEG or PNG (the drawn one rendered), for link previews in messengers",
    responses: {
      200: { description: 'image/jpeg or image/png' },
      403: giftHidden,
      404: giftGone,
    },
  },
  {
    ...giftSong,
    method: 'get',
    path: '/g/{code}/{n}/download',
    summary: "The gift's song n to save, only when the buyer allowed downloads",
    responses: {
      200: { description: 'audio/mpeg, as an attachment' },
      403: giftHidden,
      404: giftGone,
    },
  },
];

/** GET /api/openapi.json. */
export const apiDocument = (config: Config) =>
  openApiDocument(config, ROUTES, {
    DraftDoc,
    SyncOp,
    ...Object.fromEntries(Object.entries(OpArgs).map(([type, schema]) => [`op:${type}`, schema])),
  });
