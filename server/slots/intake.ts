import type { Sql } from 'postgres';
import { ensurePreview } from '../audio/preview.ts';
import { ENGINE_SCHEME, engineFileOf, type AudioStorage } from '../audio/storage.ts';
import type { UrlSigner } from '../auth/signing.ts';
import { logger } from '../log.ts';
import { checkMediaUrl, MediaRefused } from '../media/address.ts';
import { ENGINE_ACCOUNT } from '../providers/local.ts';
import type { TakeUpdate, TaskInfo } from './outcome.ts';
import {
  forgetAudioLink,
  forgetCoverLink,
  storeCover,
  storeTakeAudio,
  storeWav,
} from './outcome.ts';

const log = logger('intake');

export interface IntakeDeps {
  sql: Sql;
  storage: AudioStorage;
  signer: UrlSigner;
  /** MEDIA_TRUSTED_HOSTS. */
  trustedHosts: readonly string[];
}

interface PendingTake {
  id: string;
  remote_audio_url: string;
  provider: string;
}

interface PendingWav {
  id: string;
  remote_wav_url: string;
}

// A WAV whose download failed is tried again after these waits (then every 10 minutes), well
// inside the 7 days MusicGPT keeps it.
const WAV_RETRY_MS = [5_000, 30_000, 120_000, 600_000];

/** Where a link points, for log lines: enough to recognise it, without its query string. */
const shown = (link: string) => link.replace(/[?#].*$/, '');

/**
 * Brings what a provider announced into storage: each take's audio and the slot's cover, fetched
 * under the media policy (server/media) and kept only when the bytes are what they claim. A
 * refused link is forgotten, so a later delivery or the provider poll can still finish the slot.
 */
export class Intake {
  private readonly busy = new Set<string>();
  /** WAVs that failed: when each may be tried again, and how often it failed. */
  private readonly wavRetry = new Map<string, { at: number; failures: number }>();

  constructor(private readonly deps: IntakeDeps) {}

  /**
   * Takes and cover from a provider's HTTP answers, with every link the media policy refuses by
   * its form alone (not https, a private address, `local:`) dropped before anything is recorded.
   */
  checked(slotId: string, takes: TakeUpdate[], info: TaskInfo): [TakeUpdate[], TaskInfo] {
    const keep = (link: string | undefined, field: string) => {
      if (link === undefined) return undefined;
      try {
        checkMediaUrl(link, this.deps.trustedHosts);
        return link;
      } catch (err) {
        log.warn('refused a provider link', { slotId, field, link: shown(link), why: String(err) });
        return undefined;
      }
    };
    const safe = takes.map(({ audioUrl, wavUrl, ...take }) => {
      const audio = keep(audioUrl, 'audio');
      const wav = keep(wavUrl, 'wav');
      return { ...take, ...(audio ? { audioUrl: audio } : {}), ...(wav ? { wavUrl: wav } : {}) };
    });
    const { coverUrl, ...rest } = info;
    const cover = keep(coverUrl, 'cover');
    return [safe, { ...rest, ...(cover ? { coverUrl: cover } : {}) }];
  }

  /**
   * Stores every take of the slot that has a link but no file. Never for a slot that is ready or
   * a take that is paid for: what someone heard stays. `local:` files count only on a slot the
   * built-in engine renders, and only its own. Never rejects: answers whether every such take is
   * stored now; what is left is logged and fetched again by reconciliation.
   */
  async fetchAudio(slotId: string): Promise<boolean> {
    try {
      const pending = await this.deps.sql<PendingTake[]>`
        select t.id, t.remote_audio_url, s.provider from takes t join slots s on s.id = t.slot_id
        where t.slot_id = ${slotId} and t.remote_audio_url is not null and t.audio_file is null
          and s.status <> 'ready' and not exists (select 1 from unlocks u where u.take_id = t.id)`;
      const stored = await Promise.all(pending.map((take) => this.fetchTakeAudio(slotId, take)));
      await this.keepWavs(slotId);
      return stored.every(Boolean);
    } catch (err) {
      log.warn('could not look up the audio to fetch; reconciliation retries it', {
        slotId,
        error: String(err),
      });
      return false;
    }
  }

  private async fetchTakeAudio(slotId: string, take: PendingTake): Promise<boolean> {
    if (this.busy.has(take.id)) return false;
    this.busy.add(take.id);
    const link = take.remote_audio_url;
    try {
      const audioFile = link.startsWith(ENGINE_SCHEME)
        ? await this.engineFile(slotId, take.provider, link)
        : await this.download(take.id, slotId, link);
      const previewFile = await ensurePreview(this.deps.storage, audioFile);
      await storeTakeAudio(this.deps.sql, take.id, {
        audioFile,
        previewFile,
        previewUrl: this.audioUrl(take.id),
      });
      return true;
    } catch (err) {
      if (err instanceof MediaRefused) {
        log.warn('refused the audio of a take; nothing was stored', {
          slotId,
          takeId: take.id,
          link: shown(link),
          why: err.message,
        });
        await forgetAudioLink(this.deps.sql, take.id, link).catch((forgetErr) =>
          log.warn('could not forget a refused audio link; it is tried again', {
            takeId: take.id,
            error: String(forgetErr),
          }),
        );
      } else {
        log.warn('audio download failed; reconciliation retries it', {
          takeId: take.id,
          error: String(err),
        });
      }
      return false;
    } finally {
      this.busy.delete(take.id);
    }
  }

  private async download(takeId: string, slotId: string, link: string): Promise<string> {
    const relative = `${slotId}/${takeId}.mp3`;
    await this.deps.storage.download(link, relative, 'mp3');
    return relative;
  }

  /** The built-in engine writes straight into storage, its preview beside the take. */
  private async engineFile(slotId: string, provider: string, link: string): Promise<string> {
    const file = engineFileOf(slotId, link);
    // The slot's account (from its row) decides, so any process refuses another slot's files.
    if (provider !== ENGINE_ACCOUNT || !file) {
      throw new MediaRefused(
        'only the built-in engine names stored files, and only its own slot’s',
      );
    }
    if (!(await this.deps.storage.holds(file, 'mp3'))) {
      throw new MediaRefused(`${file} is not an MP3 the engine wrote`);
    }
    return file;
  }

  /**
   * Keeps the WAVs of a slot's stored takes while the provider still has them: MusicGPT deletes
   * WAVs after 7 days (MP3s after 90), so a download must never depend on its copy. Checked as a
   * real WAV and size-capped like any audio. Never rejects; a failed one is tried again later
   * (`wavRetry`), one the media policy refused is not (the download would refuse it as well).
   */
  async keepWavs(slotId: string): Promise<void> {
    try {
      const pending = await this.deps.sql<PendingWav[]>`
        select id, remote_wav_url from takes
        where slot_id = ${slotId} and remote_wav_url is not null and wav_file is null
          and audio_file is not null`;
      await Promise.all(pending.map((take) => this.keepWav(slotId, take)));
    } catch (err) {
      log.warn('could not look up the WAVs to keep; reconciliation retries it', {
        slotId,
        error: String(err),
      });
    }
  }

  private async keepWav(slotId: string, take: PendingWav): Promise<void> {
    const key = `wav:${take.id}`;
    const retry = this.wavRetry.get(take.id);
    if (this.busy.has(key) || (retry && retry.at > Date.now())) return;
    this.busy.add(key);
    const relative = `${slotId}/${take.id}.wav`;
    try {
      await this.deps.storage.download(take.remote_wav_url, relative, 'wav');
      await storeWav(this.deps.sql, take.id, relative);
      this.wavRetry.delete(take.id);
    } catch (err) {
      const refused = err instanceof MediaRefused;
      const failures = (retry?.failures ?? 0) + 1;
      const wait = refused
        ? Number.POSITIVE_INFINITY
        : WAV_RETRY_MS[Math.min(failures, WAV_RETRY_MS.length) - 1]!;
      this.wavRetry.set(take.id, { at: Date.now() + wait, failures });
      log.warn(refused ? 'refused the WAV of a take; nothing was stored' : 'WAV download failed', {
        takeId: take.id,
        link: shown(take.remote_wav_url),
        error: String(err),
      });
    } finally {
      this.busy.delete(key);
    }
  }

  /** Stores the slot's cover once, as JPEG or PNG, and names it by our own URL. */
  async fetchCover(slotId: string): Promise<void> {
    const { sql, storage } = this.deps;
    const [cover] = await sql<{ remote_url: string }[]>`
      select remote_url from slot_covers where slot_id = ${slotId} and file is null and remote_url is not null`;
    const key = `cover:${slotId}`;
    if (!cover || this.busy.has(key)) return;
    this.busy.add(key);
    const file = `${slotId}/cover`;
    try {
      const { contentType } = await storage.download(cover.remote_url, file, 'image');
      await storeCover(sql, slotId, { file, contentType, url: this.coverUrl(slotId) });
    } catch (err) {
      if (err instanceof MediaRefused) {
        log.warn('refused the cover of a slot; nothing was stored', {
          slotId,
          link: shown(cover.remote_url),
          why: err.message,
        });
        await forgetCoverLink(sql, slotId, cover.remote_url).catch((forgetErr) =>
          log.warn('could not forget a refused cover link; it is tried again', {
            slotId,
            error: String(forgetErr),
          }),
        );
      } else {
        log.warn('cover download failed', { slotId, error: String(err) });
      }
    } finally {
      this.busy.delete(key);
    }
  }

  audioUrl(takeId: string): string {
    return `/api/audio/${takeId}.mp3?sig=${this.deps.signer.sign('audio', takeId)}`;
  }

  coverUrl(slotId: string): string {
    return `/api/audio/covers/${slotId}?sig=${this.deps.signer.sign('cover', slotId)}`;
  }
}
