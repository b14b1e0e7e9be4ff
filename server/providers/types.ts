import type { Vocals } from '../../schema/draft.ts';

export interface SubmitRequest {
  slotId: string;
  ownerId?: string; // never sent to a provider; the built-in engine queues renders fairly by it
  seed: string; // stable per slot attempt; the local engine seeds from it
  title: string;
  prompt: string; // <= 280 chars: Refrain's bound (MusicGPT V2 takes 1000)
  musicStyle: string;
  lyrics: string; // <= 3000 chars: Refrain's bound (MusicGPT V2 takes 5000)
  vocals: Vocals;
  mood: string;
  occasion: string;
  preset: string; // used by the local engine only
  webhookUrl: string; // carries the slot id and an HMAC token
}
export interface TakeResult {
  conversionId: string;
  audioUrl?: string;
  wavUrl?: string;
  durationSec?: number;
  title?: string;
  lyrics?: string;
  lyricsTimestamped?: unknown;
}
export type SubmitResult =
  | {
      kind: 'accepted';
      taskId: string;
      conversionIds: [string, string];
      etaSec?: number;
      raw: unknown;
    }
  | {
      kind: 'retryable';
      reason: string;
      status?: number;
      retryAfterMs?: number;
      raw?: unknown;
      /**
       * True when the request may have reached the provider but no answer was read (timeout, or a
       * connection lost after sending). The provider may then hold a paid task nobody knows the id
       * of, so a blind retry can pay twice: reconcile (wait for its webhook) before retrying.
       */
      maybeAccepted?: boolean;
    }
  | { kind: 'fatal'; reason: string; status?: number; raw?: unknown }; // e.g. 402 out of funds, 400/422 rejected prompt, 401 bad key
export type PollResult =
  | { kind: 'pending'; raw: unknown }
  | { kind: 'completed'; takes: TakeResult[]; coverUrl?: string; raw: unknown }
  | { kind: 'failed'; reason: string; raw: unknown }
  | { kind: 'retryable'; reason: string; status?: number; retryAfterMs?: number; raw?: unknown };
export interface MusicProvider {
  readonly name: 'local' | 'musicgpt';
  /** One paid call that makes two takes. Never throws for HTTP/network problems: returns a result the caller inspects. */
  submit(req: SubmitRequest): Promise<SubmitResult>;
  poll(taskId: string): Promise<PollResult>;
  /**
   * Whether this process itself is still producing the task: the built-in engine renders in
   * process, so a task is lost with its process; a paid provider's tasks run at the provider.
   */
  isRunningHere?(taskId: string): boolean;
  /** US cents one submit costs, for the cost ledger (MusicGPT: its plan's price for the model). */
  readonly estimatedCostCents: number;
}
