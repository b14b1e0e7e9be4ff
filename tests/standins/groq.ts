import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

// A local stand-in for Groq's chat-completions endpoint, written from Groq's documented shapes
// (https://console.groq.com/docs/api-reference#chat-create, /docs/errors, /docs/rate-limits).
// groq-sdk posts to `${baseURL}/openai/v1/chat/completions`, so `url` is usable as baseURL.

export type Behaviour =
  /** 200 with `content` as the assistant message (objects are sent as JSON text). */
  | { kind: 'ok'; content: string | object; finishReason?: 'stop' | 'length' }
  /** 429 with a retry-after header in seconds, as Groq sends when a rate limit is hit. */
  | { kind: 'rateLimit'; retryAfter?: string }
  /** A 5xx; retryAfter lets a test skip the SDK's default backoff. */
  | { kind: 'serverError'; status?: number; retryAfter?: string }
  /** 200 whose message content is not JSON at all. */
  | { kind: 'malformed' }
  /** Accepts the request and never answers, until the client gives up or the stand-in closes. */
  | { kind: 'hang' };

export type Call = {
  /** Milliseconds since the stand-in started, from performance.now(). */
  at: number;
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: unknown;
  behaviour: Behaviour['kind'];
};

export type GroqStandIn = {
  /** Base URL for groq-sdk's `baseURL` option. */
  url: string;
  calls: Call[];
  /**
   * Behaviours for the next requests, in order; the last one repeats. Clears `calls`, so each
   * test starts from zero.
   */
  script(behaviours: Behaviour[]): void;
  close(): Promise<void>;
};

export const CHAT_COMPLETIONS_PATH = '/openai/v1/chat/completions';

/** A well-formed song, the shape the writer's JSON schema asks for. */
export const SAMPLE_SONG = {
  title: 'Lisbon Nights, Maria',
  musicPrompt:
    'Acoustic pop ballad, slow 72 BPM sway. Fingerpicked guitar, soft piano, light strings. Warm male lead vocal. Mood: tender, nostalgic. Scene: dancing in a Lisbon kitchen at midnight.',
  musicStyle: 'acoustic pop, romantic ballad, tender',
  lyrics: [
    '[Verse 1]',
    'We met in Lisbon when the summer was new',
    'A pizza, a table, a view',
    '',
    '[Chorus]',
    'Maria, Maria, you light up the night',
    'Dancing in the kitchen, holding on tight',
    '',
    '[Verse 2]',
    'Ten years later and the song is the same',
    'I still get nervous when I say your name',
    '',
    '[Chorus]',
    'Maria, Maria, you light up the night',
    'Dancing in the kitchen, holding on tight',
  ].join('\n'),
};

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

function groqError(message: string, type: string, code?: string) {
  return { error: { message, type, ...(code ? { code } : {}) } };
}

export async function startGroqStandIn(): Promise<GroqStandIn> {
  const started = performance.now();
  const calls: Call[] = [];
  let queue: Behaviour[] = [{ kind: 'ok', content: SAMPLE_SONG }];
  let served = 0;

  const next = (): Behaviour => (queue.length > 1 ? queue.shift()! : queue[0]!);

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = (req.url ?? '').split('?')[0] ?? '';
      if (req.method !== 'POST' || path !== CHAT_COMPLETIONS_PATH) {
        sendJson(
          res,
          404,
          groqError(
            `Unknown request URL: ${req.method} ${path}`,
            'invalid_request_error',
            'unknown_url',
          ),
        );
        return;
      }
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        sendJson(res, 400, groqError('request body is not valid JSON', 'invalid_request_error'));
        return;
      }
      const behaviour = next();
      calls.push({
        at: performance.now() - started,
        method: req.method,
        path,
        headers: req.headers,
        body,
        behaviour: behaviour.kind,
      });
      const requestId = `req_standin_${++served}`;
      const model = (body as { model?: unknown }).model;

      switch (behaviour.kind) {
        case 'ok':
        case 'malformed': {
          const content =
            behaviour.kind === 'malformed'
              ? 'Sure! Here is your song: {title: "oops", lyrics: [Verse 1] ...'
              : typeof behaviour.content === 'string'
                ? behaviour.content
                : JSON.stringify(behaviour.content);
          sendJson(
            res,
            200,
            {
              id: `chatcmpl-standin-${served}`,
              object: 'chat.completion',
              created: Math.floor(Date.now() / 1000),
              model: typeof model === 'string' ? model : 'unknown',
              choices: [
                {
                  index: 0,
                  message: { role: 'assistant', content },
                  logprobs: null,
                  finish_reason:
                    behaviour.kind === 'ok' ? (behaviour.finishReason ?? 'stop') : 'stop',
                },
              ],
              usage: {
                queue_time: 0.01,
                prompt_tokens: 400,
                prompt_time: 0.02,
                completion_tokens: 300,
                completion_time: 0.3,
                total_tokens: 700,
                total_time: 0.32,
              },
              system_fingerprint: 'fp_standin',
              x_groq: { id: requestId },
            },
            { 'x-request-id': requestId },
          );
          return;
        }
        case 'rateLimit':
          sendJson(
            res,
            429,
            groqError(
              'Rate limit reached for model. Please try again shortly.',
              'tokens',
              'rate_limit_exceeded',
            ),
            { 'retry-after': behaviour.retryAfter ?? '1', 'x-request-id': requestId },
          );
          return;
        case 'serverError':
          sendJson(
            res,
            behaviour.status ?? 500,
            groqError('Internal Server Error', 'internal_server_error'),
            behaviour.retryAfter === undefined
              ? { 'x-request-id': requestId }
              : { 'retry-after': behaviour.retryAfter, 'x-request-id': requestId },
          );
          return;
        case 'hang':
          // Deliberately no response; close() tears the socket down.
          return;
      }
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    script(behaviours) {
      if (behaviours.length === 0) throw new Error('script needs at least one behaviour');
      queue = [...behaviours];
      calls.length = 0;
    },
    close() {
      server.closeAllConnections();
      return new Promise<void>((resolve, reject) =>
        server.close((err) => (err ? reject(err) : resolve())),
      );
    },
  };
}
