import { randomUUID } from 'node:crypto';
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { Mp3Encoder } from '@breezystack/lamejs';
import { mp3ToTsSegments } from './mpegts.ts';

// A local stand-in for MusicGPT's Music AI V2, written from docs/providers.md: POST /v2/MusicAI
// and GET /v1/byId with the documented fields and `error_code` error bodies, the seven documented
// webhooks (music, lyrics and streaming per take, one cover; unsigned, in no promised order,
// delivered at least once), and public files for the takes. V1's POST /v1/MusicAI is gone, so
// nothing can still call it. Everything listens on 127.0.0.1 only.

export const API_BASE = '/api/public';
const SUBMIT_PATH = `${API_BASE}/v2/MusicAI`;
const BY_ID_PATH = `${API_BASE}/v1/byId`;

export const MODELS = ['v6', 'v6-pro', 'v7', 'v7-pro'] as const;

/**
 * `documented-sample`: instead of the seven, only the webhook page's generic sample (no subtype,
 * no conversion id, `audio_url`), once per task.
 */
export type WebhookOrder =
  | 'in-order'
  | 'reversed'
  | 'lyrics-first'
  | 'cover-first'
  | 'streaming-first'
  | 'duplicated'
  | 'documented-sample'
  | 'none';

export interface MusicGptScript {
  /** Answer the next N MusicAI calls 429 with `Retry-After: retryAfterSec`. */
  rateLimitNext: number;
  /** Seconds sent in Retry-After; fractions and 0 are allowed. */
  retryAfterSec: number;
  /** Answer the next N MusicAI calls 500. */
  serverErrorNext: number;
  /** Answer every MusicAI call 402 INSUFFICIENT_CREDITS, as when the account has no credit left. */
  outOfFunds: boolean;
  /** Hold every MusicAI answer this long, so concurrent calls overlap. */
  responseDelayMs: number;
  webhooks: WebhookOrder;
  /** Wait before each webhook delivery. */
  webhookDelayMs: number;
  /** false: byId stays IN_PROGRESS and no webhook is sent, until complete(taskId). */
  completes: boolean;
  /** Awaited after the task exists and before its 200 answer is written. */
  onAccept?: (task: StandInTask) => Promise<void> | void;
  /** Answer the next N byId calls 429. */
  pollRateLimitNext: number;
  /**
   * MusicGPT allows 10 parallel MusicAI generations per key. Set this to answer 429 while that
   * many tasks are unfinished (only tasks accepted with `completes: false` stay unfinished).
   */
  parallelTaskLimit: number;
  /**
   * true: the cover webhook (and byId's cover) only when the request set `generate_album_cover`,
   * the lyrics webhooks (and byId's timed lyrics) only when it set `lyrics_timestamps`, as both
   * default to false. Whether MusicGPT skips them is not documented; false sends them always.
   */
  honourOutputFlags: boolean;
  /**
   * true: a task accepted unfinished (`completes: false`) sends its two streaming webhooks at once,
   * as a pro model streams while it composes, and not again when it completes.
   */
  streamsWhileComposing: boolean;
  /**
   * The answer's `eta`, as the V2 docs' sample carries it (154); its unit is stated only for other
   * endpoints ("Estimated processing time in seconds"). null leaves the field out.
   */
  eta: number | null;
}

export type WebhookKind = 'music' | 'lyrics' | 'streaming' | 'cover' | 'sample';

export interface StandInWebhook {
  kind: WebhookKind;
  body: Record<string, unknown>;
}

export interface StandInTask {
  taskId: string;
  conversionIds: [string, string];
  /** The JSON body MusicAI received. */
  body: Record<string, unknown>;
  headers: IncomingHttpHeaders;
  createdAt: number;
  state: 'in_progress' | 'completed' | 'failed';
  statusMsg?: string;
  /**
   * The task's webhooks in the docs' order (music, lyrics, streaming, cover), then the generic
   * sample, which only the `documented-sample` order sends.
   */
  webhooks: StandInWebhook[];
}

export interface Delivery {
  taskId: string;
  kind: WebhookKind;
  url: string;
  body: Record<string, unknown>;
  /** HTTP status the receiver answered, or 0 when no answer arrived (refused, reset, timeout). */
  status: number;
  /** 1 for the first try of this webhook, 2+ for retries. */
  attempt: number;
  error?: string;
}

export interface MusicGptStandIn {
  /** API base without a version, usable as MUSICGPT_API_URL. */
  readonly url: string;
  readonly origin: string;
  readonly apiKey: string;
  /** Tasks created (each one a 200 MusicAI answer, even if the client never read it). */
  readonly accepted: number;
  /** Every MusicAI request received. */
  readonly attempts: number;
  readonly polls: number;
  /** Highest number of MusicAI + byId requests open at the same time. */
  readonly maxInFlight: number;
  readonly inFlight: number;
  /** Most tasks unfinished at once (MusicGPT's "parallel generations"), counted at each accept. */
  readonly maxUnfinished: number;
  readonly tasks: Map<string, StandInTask>;
  /** One entry per delivery attempt, in the order they finished. */
  readonly deliveries: Delivery[];
  script: MusicGptScript;
  /** The MP3 served for every take, and its length. */
  readonly mp3: Buffer;
  readonly mp3DurationSec: number;
  /** Resolves when every delivery started so far for the task succeeded or gave up. */
  webhooksSettled(taskId: string): Promise<void>;
  /** Sends all of the task's webhooks again, in the current script order. */
  deliverAgain(taskId: string): Promise<void>;
  /** Finishes a task accepted while `completes` was false, then delivers its webhooks. */
  complete(taskId: string): void;
  /** Makes byId answer FAILED for the task. */
  fail(taskId: string, message?: string): void;
  /**
   * Answers GET /files/<name> with `answer` (a redirect, an error page, any body), as a storage
   * host may; returns the file's URL. For tests of what the server refuses to keep.
   */
  serveFile(name: string, answer: FileAnswer): string;
  /** Files requested so far, by name (`streams/<conversion id>` for a stream), counting every request. */
  readonly fileRequests: Map<string, number>;
  /** Clears counters, tasks, deliveries and served files and restores the default script. */
  reset(): void;
  close(): Promise<void>;
}

export interface FileAnswer {
  status?: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

export function defaultScript(): MusicGptScript {
  return {
    rateLimitNext: 0,
    retryAfterSec: 1,
    serverErrorNext: 0,
    outOfFunds: false,
    responseDelayMs: 0,
    webhooks: 'in-order',
    webhookDelayMs: 0,
    completes: true,
    pollRateLimitNext: 0,
    parallelTaskLimit: Number.POSITIVE_INFINITY,
    honourOutputFlags: true,
    streamsWhileComposing: false,
    eta: 154,
  };
}

// Per-song US dollars on the Pro plan, which the submit answer's `credit_estimate` matches in the
// docs' sample (0.06 for v7-pro).
const CREDIT_ESTIMATE: Record<string, number> = {
  v6: 0.035,
  'v6-pro': 0.045,
  v7: 0.05,
  'v7-pro': 0.06,
};

// --- audio -------------------------------------------------------------------------------------

const SAMPLE_RATE = 22_050;
const TONE_SECONDS = 3;

function synthTone(): Int16Array {
  // A soft A-major arpeggio, one note per half second, with short fades so it does not click.
  const notes = [440, 554.37, 659.25, 880, 659.25, 554.37];
  const pcm = new Int16Array(SAMPLE_RATE * TONE_SECONDS);
  const per = pcm.length / notes.length;
  for (let i = 0; i < pcm.length; i++) {
    const idx = Math.min(notes.length - 1, Math.floor(i / per));
    const pos = (i - idx * per) / per;
    const env = Math.min(1, pos * 20, (1 - pos) * 20);
    const t = i / SAMPLE_RATE;
    pcm[i] = Math.round(Math.sin(2 * Math.PI * notes[idx]! * t) * 9000 * env);
  }
  return pcm;
}

function encodeMp3(pcm: Int16Array): Buffer {
  const encoder = new Mp3Encoder(1, SAMPLE_RATE, 64);
  const parts: Buffer[] = [];
  const push = (
    chunk: ArrayLike<number> & { buffer: ArrayBufferLike; byteOffset: number; byteLength: number },
  ) => {
    if (chunk.byteLength > 0)
      parts.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  };
  for (let i = 0; i < pcm.length; i += 1152) push(encoder.encodeBuffer(pcm.subarray(i, i + 1152)));
  push(encoder.flush());
  return Buffer.concat(parts);
}

function encodeWav(pcm: Int16Array): Buffer {
  const data = Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(SAMPLE_RATE, 24);
  header.writeUInt32LE(SAMPLE_RATE * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}

// 1x1 PNG, enough for an album cover link that resolves to a real image.
const COVER_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

let audioCache: { mp3: Buffer; wav: Buffer } | undefined;
function audio(): { mp3: Buffer; wav: Buffer } {
  if (!audioCache) {
    const pcm = synthTone();
    audioCache = { mp3: encodeMp3(pcm), wav: encodeWav(pcm) };
  }
  return audioCache;
}

// --- http helpers ------------------------------------------------------------------------------

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  if (res.destroyed || res.writableEnded) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** MusicGPT's error body: "Use `error_code` to branch on the error type … and `message` for details." */
function sendError(
  res: ServerResponse,
  status: number,
  errorCode: string,
  message: string,
  headers: Record<string, string> = {},
) {
  sendJson(res, status, { success: false, error_code: errorCode, message }, headers);
}

/** `bytes=a-b`, `bytes=a-` or `bytes=-n` for one range; multi-range requests get the whole file. */
function parseRange(
  header: string | undefined,
  size: number,
): { start: number; end: number } | 'unsatisfiable' | null {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m) return null;
  const [, a, b] = m;
  if (a === '' && b === '') return null;
  let start: number;
  let end: number;
  if (a === '') {
    const suffix = Number(b);
    if (suffix === 0) return 'unsatisfiable';
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(a);
    end = b === '' ? size - 1 : Math.min(Number(b), size - 1);
  }
  if (start >= size || start > end) return 'unsatisfiable';
  return { start, end };
}

function sendFile(req: IncomingMessage, res: ServerResponse, data: Buffer, contentType: string) {
  const base = {
    'content-type': contentType,
    'accept-ranges': 'bytes',
    'cache-control': 'public, max-age=3600',
  };
  const range = parseRange(req.headers.range, data.length);
  if (range === 'unsatisfiable') {
    res.writeHead(416, { ...base, 'content-range': `bytes */${data.length}` });
    res.end();
    return;
  }
  const slice = range ? data.subarray(range.start, range.end + 1) : data;
  res.writeHead(range ? 206 : 200, {
    ...base,
    'content-length': slice.length,
    ...(range ? { 'content-range': `bytes ${range.start}-${range.end}/${data.length}` } : {}),
  });
  res.end(req.method === 'HEAD' ? undefined : slice);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function nonEmpty(v: unknown): v is string {
  return typeof v === 'string' && v.trim() !== '';
}

function timestampedLyrics(lyrics: string, durationSec: number): string {
  // Observed shape: a JSON *string* holding [{index, text, start, end}] with times in ms.
  const lines = lyrics.split('\n').filter((l) => l.trim() !== '');
  const step = lines.length > 0 ? (durationSec * 1000) / lines.length : 0;
  return JSON.stringify(
    lines.map((text, index) => ({
      index,
      text,
      start: Math.round(index * step),
      end: /^\[.*\]$/.test(text.trim()) ? Math.round(index * step) : Math.round((index + 1) * step),
    })),
  );
}

// --- the stand-in ------------------------------------------------------------------------------

export async function startMusicGptStandIn(
  opts: { apiKey?: string } = {},
): Promise<MusicGptStandIn> {
  const apiKey = opts.apiKey ?? `standin-key-${randomUUID()}`;
  const { mp3, wav } = audio();
  const tasks = new Map<string, StandInTask>();
  const deliveries: Delivery[] = [];
  const settled = new Map<string, Promise<void>>();
  const servedFiles = new Map<string, FileAnswer>();
  const fileRequests = new Map<string, number>();
  const streamedEarly = new Set<string>();
  // Every take's stream is the take's MP3 in 1-second MPEG-TS segments, the format browsers'
  // own HLS players take (MusicGPT does not document its segments).
  const segments = mp3ToTsSegments(mp3, 1);
  const counters = {
    accepted: 0,
    attempts: 0,
    polls: 0,
    inFlight: 0,
    maxInFlight: 0,
    maxUnfinished: 0,
  };
  let script = defaultScript();
  let closed = false;
  const closing = new AbortController();
  const sleepers = new Set<() => void>();
  let origin = '';

  function sleep(ms: number): Promise<void> {
    if (ms <= 0 || closed) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        sleepers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      sleepers.add(done);
    });
  }

  function fileUrl(name: string) {
    return `${origin}/files/${encodeURIComponent(name)}`;
  }

  function buildWebhooks(task: Omit<StandInTask, 'webhooks'>): StandInWebhook[] {
    const b = task.body;
    const instrumental = b.make_instrumental === true;
    const wants = (flag: unknown) => !script.honourOutputFlags || flag === true;
    const lyrics = instrumental
      ? ''
      : nonEmpty(b.lyrics)
        ? b.lyrics
        : '[Verse 1]\nA song the stand-in wrote\n\n[Chorus]\nLa la la, a test in every note';
    const timed = instrumental ? '' : timestampedLyrics(lyrics, TONE_SECONDS);
    const promptWords = (
      nonEmpty(b.prompt) ? b.prompt : nonEmpty(b.music_style) ? b.music_style : 'Untitled'
    )
      .split(/\s+/)
      .slice(0, 4)
      .join(' ');
    const title = nonEmpty(b.title) ? b.title : promptWords;
    const withCover = wants(b.generate_album_cover);
    const coverUrl = fileUrl(`${task.taskId}.png`);
    const common = { success: true, conversion_type: 'Music AI', task_id: task.taskId };
    const music: StandInWebhook[] = [];
    const lyricOnes: StandInWebhook[] = [];
    const streams: StandInWebhook[] = [];
    task.conversionIds.forEach((conversionId, i) => {
      music.push({
        kind: 'music',
        body: {
          ...common,
          conversion_id: conversionId,
          conversion_path: fileUrl(`${conversionId}.mp3`),
          conversion_path_wav: fileUrl(`${conversionId}.wav`),
          conversion_duration: TONE_SECONDS,
          is_flagged: false,
          reason: '',
          lyrics,
          lyrics_timestamped: wants(b.lyrics_timestamps) ? timed : '',
          title: `${title} (take ${i + 1})`,
          album_cover_path: withCover ? coverUrl : '',
          subtype: 'music_ai',
        },
      });
      if (!instrumental && wants(b.lyrics_timestamps)) {
        lyricOnes.push({
          kind: 'lyrics',
          body: {
            ...common,
            conversion_id: conversionId,
            subtype: 'lyrics_timestamped',
            lyrics_timestamped: timed,
          },
        });
      }
      streams.push({
        kind: 'streaming',
        body: {
          ...common,
          subtype: 'audio_streaming',
          conversion_id: conversionId,
          streaming_url: `${origin}/streams/${conversionId}/index.m3u8`,
        },
      });
    });
    const thumbnail = fileUrl(`${task.taskId}_thumb.png`);
    const cover: StandInWebhook[] = withCover
      ? [
          {
            kind: 'cover',
            body: {
              ...common,
              image_paths: [coverUrl],
              thumbnail_paths: [thumbnail],
              image_path: coverUrl,
              thumbnail_path: thumbnail,
              conversion_id_1: task.conversionIds[0],
              conversion_id_2: task.conversionIds[1],
              album_cover_generator_output: true,
              subtype: 'album_cover_generation',
            },
          },
        ]
      : [];
    // The webhook page's "typical webhook payload", fields as the docs show them.
    const sample: StandInWebhook = {
      kind: 'sample',
      body: {
        task_id: task.taskId,
        status: 'COMPLETED',
        status_msg: 'Conversion successful',
        conversion_type: 'MUSIC_AI',
        audio_url: music[0]!.body.conversion_path,
        title: music[0]!.body.title,
        conversion_cost: 1.25,
        createdAt: new Date(task.createdAt).toISOString(),
        updatedAt: new Date().toISOString(),
      },
    };
    return [...music, ...lyricOnes, ...streams, ...cover, sample];
  }

  function ordered(task: StandInTask, order: WebhookOrder): StandInWebhook[] {
    const all = task.webhooks.filter(
      (w) => w.kind !== 'sample' && !(w.kind === 'streaming' && streamedEarly.has(task.taskId)),
    );
    const of = (kind: WebhookKind) => all.filter((w) => w.kind === kind);
    switch (order) {
      case 'none':
        return [];
      case 'in-order':
        return [...all];
      case 'reversed':
        return [...all].reverse();
      case 'lyrics-first':
        return [...of('lyrics'), ...of('music'), ...of('streaming'), ...of('cover')];
      case 'cover-first':
        return [...of('cover'), ...of('music'), ...of('lyrics'), ...of('streaming')];
      case 'streaming-first':
        return [...of('streaming'), ...of('music'), ...of('lyrics'), ...of('cover')];
      case 'duplicated':
        return all.flatMap((w) => [w, w]);
      case 'documented-sample':
        return task.webhooks.filter((w) => w.kind === 'sample');
    }
  }

  async function deliverOne(task: StandInTask, hook: StandInWebhook): Promise<void> {
    const url = String(task.body.webhook_url ?? '');
    const maxAttempts = 4;
    for (let attempt = 1; attempt <= maxAttempts && !closed; attempt++) {
      let status = 0;
      let error: string | undefined;
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(hook.body),
          signal: AbortSignal.any([closing.signal, AbortSignal.timeout(5_000)]),
        });
        status = res.status;
        await res.arrayBuffer().catch(() => undefined);
      } catch (err) {
        error =
          err instanceof Error
            ? `${err.message}${err.cause ? `: ${String(err.cause)}` : ''}`
            : String(err);
      }
      if (closed) return;
      deliveries.push({
        taskId: task.taskId,
        kind: hook.kind,
        url,
        body: hook.body,
        status,
        attempt,
        ...(error ? { error } : {}),
      });
      const retry = status === 0 || status === 429 || status >= 500;
      if (!retry) return;
      if (attempt < maxAttempts) await sleep(25 * 2 ** (attempt - 1));
    }
  }

  function schedule(task: StandInTask, hooks: StandInWebhook[]): Promise<void> {
    const previous = settled.get(task.taskId) ?? Promise.resolve();
    const run = previous.then(async () => {
      for (const hook of hooks) {
        if (closed) return;
        await sleep(script.webhookDelayMs);
        await deliverOne(task, hook);
      }
    });
    settled.set(task.taskId, run);
    return run;
  }

  function unfinished(): number {
    let n = 0;
    for (const t of tasks.values()) if (t.state === 'in_progress') n++;
    return n;
  }

  function authorized(req: IncomingMessage): boolean {
    return req.headers.authorization === apiKey;
  }

  async function handleMusicAi(req: IncomingMessage, res: ServerResponse) {
    counters.attempts++;
    const raw = await readBody(req);
    let answer: () => void;
    let acceptedTask: StandInTask | undefined;

    if (!authorized(req)) {
      answer = () => sendError(res, 401, 'UNAUTHORIZED_ACCESS', 'Invalid or missing API key');
    } else if (script.outOfFunds) {
      answer = () =>
        sendError(
          res,
          402,
          'INSUFFICIENT_CREDITS',
          'Insufficient credits to process this request.',
        );
    } else if (script.rateLimitNext > 0) {
      script.rateLimitNext--;
      const retryAfter = String(script.retryAfterSec);
      answer = () =>
        sendError(res, 429, 'TOO_MANY_REQUESTS', 'Too many requests', {
          'retry-after': retryAfter,
        });
    } else if (script.serverErrorNext > 0) {
      script.serverErrorNext--;
      answer = () => sendError(res, 500, 'INTERNAL_SERVER_ERROR', 'Internal Server Error');
    } else {
      let body: unknown;
      try {
        body = JSON.parse(raw);
      } catch {
        body = undefined;
      }
      const b =
        body !== null && typeof body === 'object' && !Array.isArray(body)
          ? (body as Record<string, unknown>)
          : undefined;
      if (!b) {
        answer = () =>
          sendJson(res, 400, { success: false, message: 'Request body must be a JSON object' });
      } else if (!nonEmpty(b.prompt) && !nonEmpty(b.lyrics) && !nonEmpty(b.music_style)) {
        answer = () =>
          sendJson(res, 400, {
            success: false,
            message: 'prompt, lyrics or music_style is required',
          });
      } else if (b.model !== undefined && !MODELS.includes(b.model as never)) {
        // The code for this case is an assumption: the docs list 422 for /v2/MusicAI.
        answer = () =>
          sendError(res, 422, 'UNPROCESSABLE_CONTENT', `model must be one of ${MODELS.join(', ')}`);
      } else if (unfinished() >= script.parallelTaskLimit) {
        const retryAfter = String(script.retryAfterSec);
        answer = () =>
          sendError(res, 429, 'TOO_MANY_REQUESTS', 'Too many parallel requests', {
            'retry-after': retryAfter,
          });
      } else {
        const base = {
          taskId: randomUUID(),
          conversionIds: [randomUUID(), randomUUID()] as [string, string],
          body: b,
          headers: req.headers,
          createdAt: Date.now(),
          state: script.completes ? ('completed' as const) : ('in_progress' as const),
        };
        const task: StandInTask = { ...base, webhooks: buildWebhooks(base) };
        tasks.set(task.taskId, task);
        settled.set(task.taskId, Promise.resolve());
        counters.accepted++;
        counters.maxUnfinished = Math.max(counters.maxUnfinished, unfinished());
        acceptedTask = task;
        await script.onAccept?.(task);
        answer = () =>
          sendJson(res, 200, {
            success: true,
            message: 'Message published to queue',
            task_id: task.taskId,
            ...(script.eta === null ? {} : { eta: script.eta }),
            conversion_id_1: task.conversionIds[0],
            conversion_id_2: task.conversionIds[1],
            is_flagged: false,
            reason: '',
            credit_estimate: CREDIT_ESTIMATE[String(b.model ?? 'v6')] ?? 0.035,
          });
      }
    }

    await sleep(script.responseDelayMs);
    answer();
    if (acceptedTask && acceptedTask.state === 'completed') {
      const task = acceptedTask;
      const order = script.webhooks;
      // Webhooks never overtake the answer that names the task (or the loss of that answer).
      const start = () => void schedule(task, ordered(task, order));
      if (res.writableFinished || res.destroyed) start();
      else res.once('close', start);
    } else if (acceptedTask && script.streamsWhileComposing) {
      const task = acceptedTask;
      streamedEarly.add(task.taskId);
      const streams = task.webhooks.filter((w) => w.kind === 'streaming');
      const start = () => void schedule(task, streams);
      if (res.writableFinished || res.destroyed) start();
      else res.once('close', start);
    }
  }

  function conversionView(task: StandInTask): Record<string, unknown> {
    const status =
      task.state === 'completed' ? 'COMPLETED' : task.state === 'failed' ? 'FAILED' : 'IN_PROGRESS';
    const message =
      task.statusMsg ??
      (task.state === 'completed' ? 'Audio conversion completed' : 'Conversion in progress');
    const view: Record<string, unknown> = {
      task_id: task.taskId,
      feature: 'MUSIC_AI',
      status,
      status_msg: message,
      message,
      webhook_url: task.body.webhook_url ?? '',
      conversion_id_1: task.conversionIds[0],
      conversion_id_2: task.conversionIds[1],
      createdAt: new Date(task.createdAt).toISOString(),
      updatedAt: new Date().toISOString(),
      is_streaming_request: false,
      is_streaming_available: true,
    };
    if (task.state !== 'completed') return view;
    const music = task.webhooks.filter((w) => w.kind === 'music');
    const lyrics = task.webhooks.filter((w) => w.kind === 'lyrics');
    music.forEach((w, i) => {
      const n = i + 1;
      view[`conversion_path_${n}`] = w.body.conversion_path;
      view[`conversion_path_wav_${n}`] = w.body.conversion_path_wav;
      view[`conversion_duration_${n}`] = w.body.conversion_duration;
      view[`title_${n}`] = w.body.title;
      view[`lyrics_${n}`] = w.body.lyrics;
      view[`lyrics_timestamped_${n}`] = lyrics[i]?.body.lyrics_timestamped ?? '';
      view[`sounds_${n}`] = '';
    });
    const cover = task.webhooks.find((w) => w.kind === 'cover')?.body;
    view.album_cover_path = cover?.image_path ?? '';
    view.album_cover_thumbnail = cover?.thumbnail_path ?? '';
    view.generation_completed_at = new Date().toISOString();
    return view;
  }

  async function handleById(req: IncomingMessage, res: ServerResponse, url: URL) {
    counters.polls++;
    await readBody(req);
    if (!authorized(req)) {
      sendError(res, 401, 'UNAUTHORIZED_ACCESS', 'Invalid or missing API key');
      return;
    }
    if (script.pollRateLimitNext > 0) {
      script.pollRateLimitNext--;
      sendError(res, 429, 'TOO_MANY_REQUESTS', 'Too many requests', {
        'retry-after': String(script.retryAfterSec),
      });
      return;
    }
    const type = url.searchParams.get('conversionType');
    const taskId = url.searchParams.get('task_id');
    const conversionId = url.searchParams.get('conversion_id');
    if (type !== 'MUSIC_AI') {
      sendJson(res, 400, { success: false, message: 'conversionType must be MUSIC_AI here' });
      return;
    }
    if ((taskId === null) === (conversionId === null)) {
      sendJson(res, 400, {
        success: false,
        message: 'Provide either task_id or conversion_id, but not both',
      });
      return;
    }
    const task =
      taskId !== null
        ? tasks.get(taskId)
        : [...tasks.values()].find((t) => t.conversionIds.includes(conversionId!));
    if (!task) {
      sendError(res, 404, 'RESOURCE_NOT_FOUND', 'Conversion not found');
      return;
    }
    sendJson(res, 200, { success: true, conversion: conversionView(task) });
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname;
    const isApi =
      (req.method === 'POST' && path === SUBMIT_PATH) ||
      (req.method === 'GET' && path === BY_ID_PATH);
    if (isApi) {
      counters.inFlight++;
      counters.maxInFlight = Math.max(counters.maxInFlight, counters.inFlight);
      res.once('close', () => counters.inFlight--);
    }
    const fail = (err: unknown) => sendError(res, 500, 'INTERNAL_SERVER_ERROR', String(err));
    if (req.method === 'POST' && path === SUBMIT_PATH) {
      handleMusicAi(req, res).catch(fail);
      return;
    }
    if (req.method === 'GET' && path === BY_ID_PATH) {
      handleById(req, res, url).catch(fail);
      return;
    }
    const served = /^\/files\/([^/]+)$/.exec(path);
    if (served && (req.method === 'GET' || req.method === 'HEAD')) {
      const name = decodeURIComponent(served[1]!);
      fileRequests.set(name, (fileRequests.get(name) ?? 0) + 1);
      const answer = servedFiles.get(name);
      if (answer) {
        res.writeHead(answer.status ?? 200, answer.headers ?? {});
        res.end(req.method === 'HEAD' ? undefined : answer.body);
        return;
      }
    }
    const stream = /^\/streams\/([^/]+)\/index\.m3u8$/.exec(path);
    if (stream && (req.method === 'GET' || req.method === 'HEAD')) {
      // An HLS playlist, as `streaming_url` names: something to listen to, never a file. Its
      // segment links are relative, as a CDN's usually are.
      const name = `streams/${decodeURIComponent(stream[1]!)}`;
      fileRequests.set(name, (fileRequests.get(name) ?? 0) + 1);
      const playlist = [
        '#EXTM3U',
        '#EXT-X-VERSION:3',
        '#EXT-X-TARGETDURATION:2',
        '#EXT-X-MEDIA-SEQUENCE:0',
        ...segments.flatMap((seg, i) => [`#EXTINF:${seg.sec.toFixed(3)},`, `s${i}.ts`]),
        '#EXT-X-ENDLIST',
        '',
      ].join('\n');
      res.writeHead(200, { 'content-type': 'application/vnd.apple.mpegurl' });
      res.end(req.method === 'HEAD' ? undefined : playlist);
      return;
    }
    const segment = /^\/streams\/([^/]+)\/s(\d+)\.ts$/.exec(path);
    if (
      segment &&
      segments[Number(segment[2])] &&
      (req.method === 'GET' || req.method === 'HEAD')
    ) {
      const name = `streams/${decodeURIComponent(segment[1]!)}/s${segment[2]}.ts`;
      fileRequests.set(name, (fileRequests.get(name) ?? 0) + 1);
      sendFile(req, res, segments[Number(segment[2])]!.ts, 'video/mp2t');
      return;
    }
    const file = /^\/files\/([^/]+)\.(mp3|wav|png)$/.exec(path);
    if (file && (req.method === 'GET' || req.method === 'HEAD')) {
      const ext = file[2];
      if (ext === 'mp3') sendFile(req, res, mp3, 'audio/mpeg');
      else if (ext === 'wav') sendFile(req, res, wav, 'audio/wav');
      else sendFile(req, res, COVER_PNG, 'image/png');
      return;
    }
    sendJson(res, 404, { success: false, message: `Unknown route ${req.method} ${path}` });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  origin = `http://127.0.0.1:${port}`;

  function requireTask(taskId: string): StandInTask {
    const task = tasks.get(taskId);
    if (!task) throw new Error(`the MusicGPT stand-in has no task ${taskId}`);
    return task;
  }

  return {
    url: `${origin}${API_BASE}`,
    origin,
    apiKey,
    get accepted() {
      return counters.accepted;
    },
    get attempts() {
      return counters.attempts;
    },
    get polls() {
      return counters.polls;
    },
    get maxInFlight() {
      return counters.maxInFlight;
    },
    get inFlight() {
      return counters.inFlight;
    },
    get maxUnfinished() {
      return counters.maxUnfinished;
    },
    tasks,
    deliveries,
    get script() {
      return script;
    },
    set script(next: MusicGptScript) {
      script = next;
    },
    mp3,
    mp3DurationSec: TONE_SECONDS,
    webhooksSettled(taskId) {
      requireTask(taskId);
      return settled.get(taskId) ?? Promise.resolve();
    },
    deliverAgain(taskId) {
      const task = requireTask(taskId);
      return schedule(
        task,
        ordered(task, script.webhooks === 'none' ? 'in-order' : script.webhooks),
      );
    },
    complete(taskId) {
      const task = requireTask(taskId);
      if (task.state === 'completed') return;
      task.state = 'completed';
      void schedule(task, ordered(task, script.webhooks));
    },
    fail(taskId, message = 'Generation failed') {
      const task = requireTask(taskId);
      task.state = 'failed';
      task.statusMsg = message;
    },
    serveFile(name, answer) {
      servedFiles.set(name, answer);
      return fileUrl(name);
    },
    fileRequests,
    reset() {
      servedFiles.clear();
      fileRequests.clear();
      streamedEarly.clear();
      counters.accepted = 0;
      counters.attempts = 0;
      counters.polls = 0;
      counters.maxInFlight = counters.inFlight;
      counters.maxUnfinished = 0;
      tasks.clear();
      settled.clear();
      deliveries.length = 0;
      script = defaultScript();
    },
    async close() {
      if (closed) return;
      closed = true;
      closing.abort();
      for (const wake of [...sleepers]) wake();
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) =>
        server.close((err) => (err ? reject(err) : resolve())),
      );
    },
  };
}
