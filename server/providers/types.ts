import type { Vocals } from '../../schema/draft.ts';
import type { SungName } from '../../schema/pronunciation.ts';

export interface SubmitRequest {
  slotId: string;
  ownerId?: string; // never sent to a provider; the built-in engine queues renders fairly by it
  seed: string; // stable per slot attempt; the local engine seeds from it
  title: string;
  prompt: string; // <= 280 chars: Refrain's bound (MusicGPT V2 takes 1000)
  musicStyle: string;
  lyrics: string; // <= 3000 chars: Refrain's bound (MusicGPT V2 takes 5000); as written, names spelled
  /** Names sung another way than the lyrics spell them; each provider sings them its own way. */
  sungNames?: SungName[];
  vocals: Vocals;
  mood: string;
  occasion: string;
  preset: string; // used by the local engine only
  /**
   * Where the provider reports on the task; carries the slot id and an HMAC token. Absent for a
   * provider that sends no webhooks (MusicProvider.webhookRoute).
   */
  webhookUrl?: string;
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
/**
 * What generation and reconciliation need to know about a provider, asked as capabilities rather
 * than by name, so that the exactly-once core holds one policy for every provider.
 */
export interface MusicProvider {
  readonly name: 'local' | 'musicgpt';
  /** One paid call that makes two takes. Never throws for HTTP/network problems: returns a result the caller inspects. */
  submit(req: SubmitRequest): Promise<SubmitResult>;
  poll(taskId: string): Promise<PollResult>;
  /**
   * Most unfinished tasks the account runs at once (PROVIDER_MAX_TASKS): a task holds its place
   * for minutes after its call returned, so a slot beyond the cap waits in line for one
   * (slots/admission.ts). Absent: no cap and no line (the built-in engine queues its renders
   * itself, fairly by owner, and costs nothing).
   */
  readonly maxTasks?: number;
  /**
   * The app's path its webhooks arrive under, one URL per slot: `<route>/<slotId>?token=…`.
   * Absent for a provider that sends none (its takes come another way).
   */
  readonly webhookRoute?: string;
  /**
   * Whether its tasks run in this process (the built-in engine): a task is lost with its process
   * and rendered again for free, and its takes are handed over in process, never announced by a
   * webhook or found by another process's poll. A paid provider's tasks run at the provider.
   */
  readonly inProcess: boolean;
  /** Whether this process itself is still producing the task; only an in-process provider ever is. */
  isRunningHere?(taskId: string): boolean;
  /**
   * Whether its takes sing the lyrics. The built-in engine plays the tune on an instrument, so the
   * form offers a choice of voice only with a provider that sings.
   */
  readonly sings: boolean;
  /** US cents one submit costs, for the cost ledger (MusicGPT: its plan's price for the model). */
  readonly estimatedCostCents: number;
}
