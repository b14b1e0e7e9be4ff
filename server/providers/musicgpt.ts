import { isHttpLink } from '../media/address.ts';
import { decodeMaybeJson } from './musicgpt-webhook.ts';
import type {
  MusicProvider,
  PollResult,
  SubmitRequest,
  SubmitResult,
  TakeResult,
} from './types.ts';

// MusicGPT client. Shapes and sources are in docs/providers.md. This module only classifies what
// MusicGPT answers; retrying is the caller's job, because only the caller knows whether a retry is
// safe for the slot (a submit is a paid call).

export interface MusicGptOptions {
  apiKey: string;
  /** API base, e.g. https://api.musicgpt.com/api/public/v1 (no trailing slash needed). */
  apiUrl: string;
  /** Most HTTP calls (submit and poll together) this process has open at once. */
  maxInFlight?: number;
  /** Per HTTP call, counted from when the call leaves the queue until its body has been read. */
  timeoutMs?: number;
  fetch?: typeof fetch;
  /** Overrides the ledger estimate; see ESTIMATED_COST_CENTS. */
  estimatedCostCents?: number;
}

export type MusicGptProvider = MusicProvider & {
  /** HTTP calls currently open (not counting ones waiting for a turn). */
  inFlight(): number;
};

export const OUT_OF_FUNDS_REASON = 'provider out of funds (MusicGPT answered 402)';

/**
 * MusicGPT publishes no per-call price for its API. The cost ledger books this many US cents per
 * MusicAI call (two takes) until real invoices say otherwise; see docs/providers.md.
 */
export const ESTIMATED_COST_CENTS = 50;

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

function providerMessage(body: unknown, text: string, status: number): string {
  const b = record(body);
  const message = str(b?.message) ?? str(b?.error) ?? str(b?.detail);
  if (message) return message;
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
    // Field names from the MusicAI OpenAPI. `title` is not a documented MusicAI field, so the
    // title stays ours and MusicGPT names its takes itself.
    const body: Record<string, unknown> = {
      prompt: req.prompt,
      music_style: req.musicStyle,
      lyrics: req.lyrics,
      make_instrumental: req.vocals === 'none',
      webhook_url: req.webhookUrl,
    };
    if (req.vocals !== 'none') body.gender = req.vocals;
    return body;
  }

  async function submit(req: SubmitRequest): Promise<SubmitResult> {
    const out = await http('POST', `${apiUrl}/MusicAI`, submitBody(req));
    if (out.kind === 'network') {
      return { kind: 'retryable', reason: out.reason, maybeAccepted: out.maybeSent };
    }
    const { status, body, text, headers } = out;
    if (status === 429 || status === 408 || status >= 500) {
      return retryable(status, body, text, headers);
    }
    if (status === 402)
      return { kind: 'fatal', reason: OUT_OF_FUNDS_REASON, status, raw: body ?? text };
    if (status < 200 || status >= 300) {
      return {
        kind: 'fatal',
        reason: providerMessage(body, text, status),
        status,
        raw: body ?? text,
      };
    }
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
    const out = await http('GET', `${apiUrl}/byId?${query}`);
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
      const coverUrl = link(conversion.album_cover_path);
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
        reason: str(conversion.status_msg) ?? `MusicGPT status ${state}`,
        raw: b,
      };
    }
    // IN_QUEUE, IN_PROGRESS, and any status MusicGPT adds later: not finished yet.
    return { kind: 'pending', raw: b };
  }

  return {
    name: 'musicgpt',
    estimatedCostCents: opts.estimatedCostCents ?? ESTIMATED_COST_CENTS,
    submit,
    poll,
    inFlight: () => gate.inUse,
  };
}
