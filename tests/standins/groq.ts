import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

// A local stand-in for Groq's chat-completions endpoint, written from Groq's documented shapes
// (https://console.groq.com/docs/api-reference#chat-create, /docs/errors, /docs/rate-limits).
// groq-sdk posts to `${baseURL}/openai/v1/chat/completions`, so `url` is usable as baseURL.
// Like Groq, it refuses a request whose model does not take its response_format or
// reasoning_effort (see MODELS), before any scripted behaviour is used.

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
  /** `badRequest`: refused for its model, as Groq refuses it; no scripted behaviour was used. */
  behaviour: Behaviour['kind'] | 'badRequest';
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

type ModelFacts = {
  /** `json_schema` with `strict: true` (constrained decoding). */
  strict: boolean;
  /** `json_schema` at all (best-effort when not strict). */
  jsonSchema: boolean;
  /** Accepted `reasoning_effort` values; empty when the parameter is refused. */
  reasoningEffort: readonly string[];
};

// Groq's documented capabilities per chat model, written from the docs (docs/providers.md,
// "Groq"), not from the writer's table: console.groq.com/docs/structured-outputs (strict and
// best-effort json_schema), /docs/tool-use (JSON mode, on every model listed here), /docs/reasoning
// (reasoning_effort: low/medium/high on gpt-oss only, none/default on qwen3-32b only).
const GPT_OSS: ModelFacts = {
  strict: true,
  jsonSchema: true,
  reasoningEffort: ['low', 'medium', 'high'],
};
const BEST_EFFORT: ModelFacts = { strict: false, jsonSchema: true, reasoningEffort: [] };
const JSON_MODE_ONLY: ModelFacts = { strict: false, jsonSchema: false, reasoningEffort: [] };
const MODELS: Record<string, ModelFacts> = {
  'openai/gpt-oss-20b': GPT_OSS,
  'openai/gpt-oss-120b': GPT_OSS,
  'moonshotai/kimi-k2-instruct': BEST_EFFORT,
  'moonshotai/kimi-k2-instruct-0905': BEST_EFFORT,
  'meta-llama/llama-4-maverick-17b-128e-instruct': BEST_EFFORT,
  'meta-llama/llama-4-scout-17b-16e-instruct': BEST_EFFORT,
  'llama-3.3-70b-versatile': JSON_MODE_ONLY,
  'llama-3.1-8b-instant': JSON_MODE_ONLY,
  'qwen/qwen3-32b': { strict: false, jsonSchema: false, reasoningEffort: ['none', 'default'] },
};

type Refusal = { status: number; message: string; code?: string };

/** Why Groq would refuse this request for its model, or null when it would accept it. */
function refusalFor(body: Record<string, unknown>): Refusal | null {
  const model = String(body.model);
  const facts = Object.hasOwn(MODELS, model) ? MODELS[model] : undefined;
  if (!facts) {
    return {
      status: 404,
      message: `The model \`${model}\` does not exist or you do not have access to it.`,
      code: 'model_not_found',
    };
  }
  const format = body.response_format as
    { type?: string; json_schema?: { strict?: boolean } } | undefined;
  if (format?.type === 'json_schema' && !facts.jsonSchema)
    return { status: 400, message: 'This model does not support response format `json_schema`' };
  if (format?.type === 'json_schema' && format.json_schema?.strict === true && !facts.strict)
    return { status: 400, message: 'This model does not support `strict: true` for `json_schema`' };
  if (format?.type === 'json_object') {
    // Groq lists JSON instructions in the prompt as a requirement of JSON mode
    // (docs/structured-outputs, "JSON Object Mode") without saying how it answers their absence;
    // this refusal is the stand-in's own, to catch a writer that forgot them.
    const messages = JSON.stringify(body.messages ?? []);
    if (!/json/i.test(messages))
      return { status: 400, message: "'messages' must contain the word 'json' to use json_object" };
  }
  const effort = body.reasoning_effort;
  if (effort !== undefined && effort !== null && !facts.reasoningEffort.includes(String(effort)))
    return { status: 400, message: '`reasoning_effort` is not supported with this model' };
  return null;
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
      const record = (behaviour: Call['behaviour']) =>
        calls.push({
          at: performance.now() - started,
          method: String(req.method),
          path,
          headers: req.headers,
          body,
          behaviour,
        });
      const refusal = refusalFor((body ?? {}) as Record<string, unknown>);
      if (refusal) {
        record('badRequest');
        sendJson(
          res,
          refusal.status,
          groqError(refusal.message, 'invalid_request_error', refusal.code),
        );
        return;
      }
      const behaviour = next();
      record(behaviour.kind);
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
