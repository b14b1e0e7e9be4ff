import { z } from 'zod';
import { DraftDoc } from '../../schema/draft.ts';
import { OpArgs, SyncRequest } from '../../schema/ops.ts';

const json = (schema: z.ZodType) => z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
const bearer = [{ bearer: [] }];
const error = {
  description: 'a readable error',
  content: {
    'application/json': {
      schema: {
        type: 'object',
        properties: { error: { type: 'string' }, requestId: { type: 'string' } },
      },
    },
  },
};

// Every limit answers 429 with Retry-After (seconds) and a sentence the app shows as it is.
const limited = {
  description: 'a limit was reached: Retry-After (seconds) says when to try again',
  headers: { 'Retry-After': { schema: { type: 'integer' } } },
  content: {
    'application/json': {
      schema: {
        type: 'object',
        properties: {
          error: { type: 'string' },
          retryAfterMs: { type: 'integer' },
          requestId: { type: 'string' },
        },
      },
    },
  },
};

const param = (where: 'path' | 'query', name: string, type: string) => ({
  name,
  in: where,
  required: true,
  schema: { type },
});
const uuidIn = (where: 'path' | 'query', name: string) => ({
  ...param(where, name, 'string'),
  schema: { type: 'string', format: 'uuid' },
});

/** The HTTP API as OpenAPI 3.1; request shapes come from the same zod schemas the server checks. */
export function openApiDocument(publicUrl: string) {
  return {
    openapi: '3.1.0',
    info: { title: 'Refrain API', version: '1' },
    servers: [{ url: publicUrl }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: {
        DraftDoc: json(DraftDoc),
        SyncRequest: json(SyncRequest),
        ...Object.fromEntries(
          Object.entries(OpArgs).map(([type, schema]) => [`op:${type}`, json(schema)]),
        ),
      },
    },
    paths: {
      '/api/session': {
        post: {
          summary: 'Start a guest session (limited per client address: RATE_SESSIONS_PER_IP)',
          responses: { 201: { description: '{token, ownerId}' }, 429: limited },
        },
        get: {
          summary: 'Whose token this is; 401 once it no longer works (expired or signed out)',
          security: bearer,
          responses: { 200: { description: '{ownerId}' }, 401: error },
        },
      },
      '/api/session/sign-out-everywhere': {
        post: {
          summary:
            'End every token of this owner and every open resume link; this device gets a new token',
          description:
            'Other devices get 401 at their next request, and their live sync connections are closed at once.',
          security: bearer,
          responses: { 200: { description: '{token, ownerId}' }, 401: error },
        },
      },
      '/api/health': {
        get: {
          summary: 'Health of every part',
          responses: {
            200: { description: 'all up' },
            503: { description: 'a part is down (named in the body)' },
          },
        },
      },
      '/api/config': {
        get: {
          summary:
            "Which providers are active; syncUrl is null unless live sync is elsewhere than this origin's /zero",
          responses: { 200: { description: 'config' } },
        },
      },
      '/api/sync': {
        post: {
          summary: 'Apply a batch of client operations, each idempotent by its id',
          description: `Op types and their args: ${Object.keys(OpArgs).join(', ')} (see components.schemas["op:<type>"]). Each op answers applied, duplicate (replayed id, stored result), rejected (with code and error; nothing written) or limited (a per-owner limit: nothing written; send it again after retryAfterMs). A batch with a limited op answers 429 with Retry-After and the results of every op.`,
          security: bearer,
          requestBody: {
            required: true,
            content: {
              'application/json': { schema: { $ref: '#/components/schemas/SyncRequest' } },
            },
          },
          responses: {
            200: { description: '{results: [{id, status, result?, code?, error?}]}' },
            400: error,
            401: error,
            413: error,
            429: { ...limited, description: `${limited.description}; body also has results` },
          },
        },
      },
      '/api/forms/{formId}': {
        get: {
          summary: "The caller's form with songs, slots (all attempts), takes and selections",
          security: bearer,
          parameters: [uuidIn('path', 'formId')],
          responses: { 200: { description: 'the form' }, 401: error, 404: error },
        },
      },
      '/api/webhooks/musicgpt/{slotId}': {
        post: {
          summary: 'MusicGPT webhook; the URL carries an HMAC token per slot',
          description:
            'Links must be https to a public address (MEDIA_TRUSTED_HOSTS excepted); a delivery for a ready or paid slot changes nothing anyone heard or read.',
          parameters: [uuidIn('path', 'slotId'), param('query', 'token', 'string')],
          responses: {
            200: { description: 'merged, or a duplicate' },
            401: error,
            409: { ...error, description: 'the slot is made by the built-in engine' },
            422: { ...error, description: 'a link that is not allowed; nothing was applied' },
          },
        },
      },
      '/api/audio/{takeId}.mp3': {
        get: {
          summary: 'Audio of a take, with Range support; the signature comes with the take',
          parameters: [uuidIn('path', 'takeId'), param('query', 'sig', 'string')],
          responses: {
            200: { description: 'audio/mpeg' },
            206: { description: 'a range' },
            403: error,
            404: error,
          },
        },
      },
      '/api/audio/covers/{slotId}': {
        get: {
          summary: "A slot's album cover, stored and checked by this server",
          parameters: [uuidIn('path', 'slotId'), param('query', 'sig', 'string')],
          responses: { 200: { description: 'image/jpeg or image/png' }, 403: error, 404: error },
        },
      },
      '/api/streams/{streamId}/index.m3u8': {
        get: {
          summary:
            'The live HLS playlist of a take still being made, fetched from the music provider now; its links point back here',
          parameters: [uuidIn('path', 'streamId'), param('query', 'sig', 'string')],
          responses: {
            200: { description: 'application/vnd.apple.mpegurl' },
            403: error,
            404: error,
            410: { ...error, description: 'the take is ready (play its preview) or failed' },
            502: error,
          },
        },
      },
      '/api/streams/{streamId}/part': {
        get: {
          summary:
            'One link a live playlist named (a segment or a nested playlist); the signature covers the link',
          parameters: [
            uuidIn('path', 'streamId'),
            param('query', 'u', 'string'),
            param('query', 'sig', 'string'),
          ],
          responses: {
            200: { description: 'video/mp2t, audio/mp4, audio/aac, audio/mpeg or a playlist' },
            403: error,
            404: error,
            410: error,
            502: error,
          },
        },
      },
      '/api/resume-codes': {
        post: {
          summary: 'Make a one-time link (15 minutes) to continue on another device',
          security: bearer,
          responses: { 201: { description: '{code, expiresAt, url}' }, 401: error },
        },
      },
      '/api/resume-codes/redeem': {
        post: {
          summary:
            'Redeem a resume code once: a session for the same owner (tries limited per address)',
          responses: {
            200: { description: '{token, ownerId}' },
            400: error,
            410: error,
            429: limited,
          },
        },
      },
      '/api/forms/{formId}/checkout': {
        post: {
          summary: 'Start paying for the chosen takes; the server sets the price',
          description:
            'Body {"method": "card" | "credits"}; anything else (a price) is ignored. Answers {orderId, status, method, url, amountCents, currency, creditsSpent}; amountCents is in the currency’s smallest unit (cents, or whole yen), as Stripe charges it.',
          security: bearer,
          parameters: [uuidIn('path', 'formId')],
          responses: {
            200: { description: 'the order and where to pay' },
            402: error,
            404: error,
            409: error,
            502: error,
          },
        },
      },
      '/api/forms/{formId}/downloads': {
        get: {
          summary: 'Short-lived links to the full songs of a paid form',
          security: bearer,
          parameters: [uuidIn('path', 'formId')],
          responses: {
            200: {
              description:
                '{formId, expiresAt, songs: [{songIndex, title, mp3Url, wavUrl?, lyricsUrl}]}',
            },
            402: error,
            404: error,
          },
        },
      },
      '/api/download/{file}': {
        get: {
          summary:
            'A full MP3, WAV or lyrics file through a signed 15-minute link; only after payment',
          parameters: [
            param('path', 'file', 'string'),
            param('query', 'exp', 'integer'),
            param('query', 'sig', 'string'),
          ],
          responses: { 200: { description: 'the file' }, 403: error },
        },
      },
      '/api/webhooks/stripe': {
        post: {
          summary: 'Stripe events, verified on the raw body (Stripe-Signature)',
          description:
            'A timestamp more than 300 s old or ahead is refused. A payment for songs already paid another way is refunded automatically, once (outcome "refunded").',
          responses: { 200: { description: 'received (or a duplicate)' }, 400: error },
        },
      },
      '/zero/sync/v{version}/connect': {
        get: {
          summary: "Zero's live sync WebSocket (upgrade only), carried to zero-cache on loopback",
          description:
            "The token travels inside Sec-WebSocket-Protocol, as Zero's client encodes it. Nothing else under /zero reaches zero-cache.",
          parameters: [param('path', 'version', 'integer')],
          responses: {
            101: { description: 'switching to the WebSocket' },
            401: { description: 'missing or invalid token' },
            403: { description: 'the token belongs to another owner than userID' },
            404: { description: 'anything but the sync socket' },
            503: { description: 'live sync is not running right now' },
          },
        },
      },
      '/api/zero/query': {
        post: {
          summary: 'Named-query resolver called by zero-cache (owner-only reads)',
          security: bearer,
          responses: { 200: { description: 'ASTs' }, 401: error },
        },
      },
      '/api/zero/mutate': {
        post: {
          summary: 'Called by zero-cache; Zero mutators are not used',
          security: bearer,
          responses: { 200: { description: 'results' }, 401: error },
        },
      },
    },
  };
}
