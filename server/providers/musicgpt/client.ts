import {
  MUSICGPT_PLANS,
  musicGptCallCents,
  type MusicGptModel,
  type MusicGptPlan,
} from '../../config.ts';
import { logger } from '../../log.ts';
import { isHttpLink } from '../../media/address.ts';
import { lyricsToSing } from '../../writer/sung-names.ts';
import { decodeMaybeJson, MUSICGPT_WEBHOOK_ROUTE } from './webhook.ts';
import type {
  MusicProvider,
  PollResult,
  SubmitRequest,
  SubmitResult,
  TakeResult,
} from '../types.ts';

// MusicGPT client for Music AI V2. Shapes and sources are in docs/providers.md. This module only
// classifies what MusicGPT answers; retrying is the caller's job, because only the caller knows
// whether a retry is safe for the slot (a submit is a paid call).

const log = logger('musicgpt');

export interface MusicGptOptions {
  apiKey: string;
  /** API base without a version, e.g. https://api.musicgpt.com/api/public. */
  apiUrl: string;
  /** Music AI V2 model; MusicGPT's default is v6. */
  model?: MusicGptModel;
  /** The account's plan, which prices each call (default pro). */
  plan?: MusicGptPlan;
  /** Unfinished tasks the key runs at once (PROVIDER_MAX_TASKS); by default the plan's. */
  maxTasks?: number;
  /** Most HTTP calls (submit and poll together) this process has open at once. */
  maxInFlight?: number;
  /** Per HTTP call, counted from when the call leaves the queue until its body has been read. */
  timeoutMs?: number;
  fetch?: typeof fetch;
  /** Overrides the ledger's price of a call, otherwise the plan's price of the model. */
  estimatedCostCents?: number;
}

export type MusicGptProvider = MusicProvider & {
  /** HTTP calls currently open (not counting ones waiting for a turn). */
  inFlight(): number;
};

export const OUT_OF_FUNDS_REASON = 'provider out of funds (MusicGPT answered 402)';

/**
 * The status MusicGPT documents for each `error_code` (api-documentation/utilities/error): "Use
 * `error_code` to branch on the error type". An answer is classified by its code's status when
 * the code is known, by its own HTTP status otherwise.
 */
const ERROR_CODE_STATUS: Record<string, number> = {
  UNAUTHORIZED_ACCESS: 401,
  INSUFFICIENT_CREDITS: 402,
  FORBIDDEN: 403,
  RESOURCE_NOT_FOUND: 404,
  UNPROCESSABLE_CONTENT: 422,
  FAILED_DEPENDENCY: 424,
  TOO_MANY_REQUESTS: 429,
  INTERNAL_SERVER_ERROR: 500,
  SERVICE_UNAVAILABLE: 503,
};

/** Error codes meaning the request never left this machine, so MusicGPT cannot have seen it. */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
]);

/** A FIFO counting semaphore: whoever asked first gets the next free slot. */
class Semaphore {
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  constructor(private readonly limit: number) {}

  get inUse(): number {
    return this.active;
  }

  async acquire(): Promise<() => void> {
    if (this.active < this.limit && this.waiting.length === 0) {
      this.active++;
    } else {
      // The slot is handed over by release() without decrementing, so no newcomer can overtake.
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    };
  }
}

type HttpOutcome =
  | { kind: 'response'; status: number; headers: Headers; body: unknown; text: string }
  | { kind: 'network'; reason: string; maybeSent: boolean };

/** Milliseconds to wait from a Retry-After value: delta-seconds (fractions allowed) or an HTTP date. */
export function parseRetryAfter(
  value: string | null,
  now: number = Date.now(),
): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

function errorCode(err: unknown): string | undefined {
  // undici wraps the socket error: TypeError('fetch failed', { cause: { code } }).
  for (let e: unknown = err, depth = 0; e && depth < 4; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

function describeError(err: unknown): string {
  const code = errorCode(err);
  const message = err instanceof Error ? err.message : String(err);
  const cause = (err as { cause?: unknown })?.cause;
  const causeMessage = cause instanceof Error ? cause.message : undefined;
  return [message, causeMessage, code]
    .filter((part, i, all) => part && all.indexOf(part) === i)
    .join(': ');
}

function str(value: unknown): string | undefined {
  if (typeof value === 'string') return value === '' ? undefined : value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/** A link only when it is http(s): byId answers are data, and a file path is never followed. */
function link(value: unknown): string | undefined {
  const s = str(value);
  return s !== undefined && isHttpLink(s) ? s : undefined;
}

function num(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

function record(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** MusicGPT's `error_code`, when the body carries one. */
function errorCodeOf(body: unknown): string | undefined {
  return str(record(body)?.error_code)?.toUpperCase();
}

/** MusicGPT's words for an answer: `message` (or the older `error`, `detail`) and its code. */
function providerMessage(body: unknown, text: string, status: number): string {
  const b = record(body);
  const message = str(b?.message) ?? str(b?.error) ?? str(b?.detail);
  const code = errorCodeOf(body);
  if (message) return code ? `${message} (${code})` : message;
  if (code) return `MusicGPT answered ${status} ${code}`;
  const snippet = text.trim().slice(0, 200);
  return snippet ? `MusicGPT answered ${status}: ${snippet}` : `MusicGPT answered ${status}`;
}

/** A 408/429/5xx (or, for polls, any non-2xx) answer: try again, after Retry-After if given. */
function retryable(status: number, body: unknown, text: string, headers: Headers) {
  const retryAfterMs = parseRetryAfter(headers.get('retry-after'));
  return {
    kind: 'retryable' as const,
    reason: providerMessage(body, text, status),
    status,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    raw: body ?? text,
  };
}

export function musicGptProvider(opts: MusicGptOptions): MusicGptProvider {
  const apiUrl = opts.apiUrl.replace(/\/+$/, '');
  const model = opts.model ?? 'v6';
  const plan = opts.plan ?? 'pro';
  const estimatedCostCents = opts.estimatedCostCents ?? musicGptCallCents(plan, model);
  if (estimatedCostCents === undefined) {
    throw new Error(`MusicGPT's ${plan} plan does not offer the ${model} model`);
  }
  const maxInFlight = opts.maxInFlight ?? 10;
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const doFetch = opts.fetch ?? globalThis.fetch;
  if (!Number.isInteger(maxInFlight) || maxInFlight < 1) {
    throw new Error(`maxInFlight must be a positive integer, got ${maxInFlight}`);
  }
  const gate = new Semaphore(maxInFlight);

  async function http(method: 'GET' | 'POST', url: string, json?: unknown): Promise<HttpOutcome> {
    const release = await gate.acquire();
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    try {
      const headers: Record<string, string> = {
        authorization: opts.apiKey,
        accept: 'application/json',
      };
      if (json !== undefined) headers['content-type'] = 'application/json';
      const res = await doFetch(url, {
        method,
        headers,
        body: json === undefined ? undefined : JSON.stringify(json),
        signal: controller.signal,
      });
      // Reading the body is part of the call: the slot and the timeout cover it too.
      const text = await res.text();
      let body: unknown;
      try {
        body = text === '' ? undefined : JSON.parse(text);
      } catch {
        body = undefined;
      }
      return { kind: 'response', status: res.status, headers: res.headers, body, text };
    } catch (err) {
      if (timedOut) {
        return {
          kind: 'network',
          reason: `no answer from MusicGPT within ${timeoutMs} ms`,
          maybeSent: true,
        };
      }
      const code = errorCode(err);
      return {
        kind: 'network',
        reason: `network error talking to MusicGPT: ${describeError(err)}`,
        maybeSent: !(code !== undefined && NOT_SENT_CODES.has(code)),
      };
    } finally {
      clearTimeout(timer);
      release();
    }
  }

  function submitBody(req: SubmitRequest): Record<string, unknown> {
    // Field names from the Music AI V2 page. The cover and the timed lyrics are off unless asked
    // for. `voice_id` and `vocal_only` are never sent: either one forces v6 whatever `model` says.
    const body: Record<string, unknown> = {
      model,
      title: req.title,
      prompt: req.prompt,
      music_style: req.musicStyle,
      // MusicGPT sings what it reads: a name goes as its respelling ("shi-VAWN").
      lyrics: lyricsToSing(req.lyrics, req.sungNames ?? []),
      make_instrumental: req.vocals === 'none',
      generate_album_cover: true,
      lyrics_timestamps: true,
      webhook_url: req.webhookUrl,
    };
    if (req.vocals !== 'none') body.gender = req.vocals;
    return body;
  }

  /**
   * A submit's answer that is not an accepted task, classified for the caller's retry policy;
   * an error body in a 200 counts by its `error_code` too.
   */
  function refusal(
    status: number,
    body: unknown,
    text: string,
    headers: Headers,
  ): SubmitResult | undefined {
    const code = errorCodeOf(body);
    const meant = (code === undefined ? undefined : ERROR_CODE_STATUS[code]) ?? status;
    if (meant >= 200 && meant < 300) return undefined;
    const raw = body ?? text;
    if (meant === 424) {
      // "A required dependency failed … Try again later", without saying whether the task was
      // made: like a timeout, a task may exist, so the caller waits for its webhook first.
      return {
        kind: 'retryable',
        reason: providerMessage(body, text, status),
        status,
        maybeAccepted: true,
        raw,
      };
    }
    if (meant === 429 || meant === 408 || meant >= 500) {
      return retryable(status, body, text, headers);
    }
    if (meant === 402) return { kind: 'fatal', reason: OUT_OF_FUNDS_REASON, status, raw };
    if (meant === 403) {
      const reason = `MusicGPT refused: the account's plan does not permit this request (is the ${model} model on its plan? see MUSICGPT_MODEL): ${providerMessage(body, text, status)}`;
      return { kind: 'fatal', reason, status, raw };
    }
    return { kind: 'fatal', reason: providerMessage(body, text, status), status, raw };
  }

  async function submit(req: SubmitRequest): Promise<SubmitResult> {
    const out = await http('POST', `${apiUrl}/v2/MusicAI`, submitBody(req));
    if (out.kind === 'network') {
      return { kind: 'retryable', reason: out.reason, maybeAccepted: out.maybeSent };
    }
    const { status, body, text, headers } = out;
    const refused = refusal(status, body, text, headers);
    if (refused) return refused;
    const b = record(body);
    if (!b) {
      return {
        kind: 'fatal',
        reason: `MusicGPT answered ${status} without a JSON body`,
        status,
        raw: text,
      };
    }
    if (b.success === false) {
      return { kind: 'fatal', reason: providerMessage(b, text, status), status, raw: b };
    }
    const taskId = str(b.task_id);
    if (!taskId) {
      // Retrying could create and pay for a second task, and without an id there is no way to
      // find this one: stop here and let a person look.
      return {
        kind: 'fatal',
        reason: 'MusicGPT accepted the call but sent no task_id',
        status,
        raw: b,
      };
    }
    const etaSec = num(b.eta);
    if (b.is_flagged === true) {
      // What a flag means is not documented; the task goes on, and a person can look at why.
      log.warn('MusicGPT flagged a task', { slotId: req.slotId, taskId, reason: str(b.reason) });
    }
    return {
      kind: 'accepted',
      taskId,
      conversionIds: [
        str(b.conversion_id_1) ?? `${taskId}:1`,
        str(b.conversion_id_2) ?? `${taskId}:2`,
      ],
      ...(etaSec === undefined ? {} : { etaSec }),
      raw: b,
    };
  }

  function take(c: Record<string, unknown>, taskId: string, n: 1 | 2): TakeResult {
    const result: TakeResult = { conversionId: str(c[`conversion_id_${n}`]) ?? `${taskId}:${n}` };
    const audioUrl = link(c[`conversion_path_${n}`]);
    const wavUrl = link(c[`conversion_path_wav_${n}`]);
    const durationSec = num(c[`conversion_duration_${n}`]);
    const title = str(c[`title_${n}`]);
    const lyrics = typeof c[`lyrics_${n}`] === 'string' ? (c[`lyrics_${n}`] as string) : undefined;
    const lyricsTimestamped = decodeMaybeJson(c[`lyrics_timestamped_${n}`]);
    if (audioUrl !== undefined) result.audioUrl = audioUrl;
    if (wavUrl !== undefined) result.wavUrl = wavUrl;
    if (durationSec !== undefined) result.durationSec = durationSec;
    if (title !== undefined) result.title = title;
    if (lyrics !== undefined) result.lyrics = lyrics;
    if (lyricsTimestamped !== undefined) result.lyricsTimestamped = lyricsTimestamped;
    return result;
  }

  async function poll(taskId: string): Promise<PollResult> {
    const query = new URLSearchParams({ conversionType: 'MUSIC_AI', task_id: taskId });
    const out = await http('GET', `${apiUrl}/v1/byId?${query}`);
    if (out.kind === 'network') return { kind: 'retryable', reason: out.reason };
    const { status, body, text, headers } = out;
    if (status < 200 || status >= 300) {
      // A task that was paid for is never written off over an HTTP answer: only MusicGPT's own
      // FAILED/ERROR status ends it. The caller bounds how long it keeps asking.
      return retryable(status, body, text, headers);
    }
    const b = record(body);
    const conversion = record(b?.conversion);
    if (!b || b.success === false || !conversion) {
      return {
        kind: 'retryable',
        reason: b
          ? providerMessage(b, text, status)
          : `MusicGPT answered ${status} without a JSON body`,
        status,
        raw: body ?? text,
      };
    }
    const state = (str(conversion.status) ?? '').toUpperCase();
    if (state === 'COMPLETED') {
      const coverUrl = link(conversion.album_cover_path) ?? link(conversion.album_cover_thumbnail);
      return {
        kind: 'completed',
        takes: [take(conversion, taskId, 1), take(conversion, taskId, 2)],
        ...(coverUrl === undefined ? {} : { coverUrl }),
        raw: b,
      };
    }
    if (state === 'FAILED' || state === 'ERROR') {
      return {
        kind: 'failed',
        reason: str(conversion.status_msg) ?? str(conversion.message) ?? `MusicGPT status ${state}`,
        raw: b,
      };
    }
    // IN_QUEUE, IN_PROGRESS, and any status MusicGPT adds later: not finished yet.
    return { kind: 'pending', raw: b };
  }

  return {
    name: 'musicgpt',
    estimatedCostCents,
    maxTasks: opts.maxTasks ?? MUSICGPT_PLANS[plan].parallelTasks,
    webhookRoute: MUSICGPT_WEBHOOK_ROUTE,
    inProcess: false,
    sings: true,
    submit,
    poll,
    inFlight: () => gate.inUse,
  };
}
