import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { MediaRefused } from '../media/address.ts';
import { fetchToFile } from '../media/fetch.ts';
import { imageTypeOf, isMp3, isWav } from '../media/sniff.ts';

export type MediaKind = 'mp3' | 'wav' | 'image';

// A WAV's chunk headers sit at its start; the rest is samples.
const WAV_HEAD_BYTES = 1024 * 1024;
// Album covers are small; a bigger "image" is refused without reading it all.
const MAX_IMAGE_BYTES = 10 * 1024 * 1024;

const DOWNLOAD_TIMEOUT_MS = { mp3: 120_000, wav: 300_000, image: 15_000 } as const;

const NAMES = { mp3: 'an MP3', wav: 'a WAV', image: 'a JPEG or PNG image' } as const;

/** `local:` URLs name files the built-in engine wrote into storage: `<slot>/local-<take>.mp3`. */
export const ENGINE_SCHEME = 'local:';

/** Storage path of take `take` (1 or 2) of a slot rendered by the built-in engine. */
export function engineTakeFile(slotId: string, take: number): string {
  return `${slotId}/local-${take}.mp3`;
}

/**
 * The stored file a `local:` URL names, only when it is one of `slotId`'s own engine takes;
 * undefined for anything else (another slot's file, a path that climbs out, a non-local URL).
 */
export function engineFileOf(slotId: string, url: string): string | undefined {
  if (!url.startsWith(ENGINE_SCHEME)) return undefined;
  const file = url.slice(ENGINE_SCHEME.length);
  return file === engineTakeFile(slotId, 1) || file === engineTakeFile(slotId, 2)
    ? file
    : undefined;
}

/**
 * Where the server keeps audio and covers: `$DATA_DIR/audio/<slot>/<file>`, written atomically.
 * Remote files come in only through the media policy (server/media) and only when their bytes
 * are what they claim to be.
 */
export class AudioStorage {
  constructor(
    readonly dir: string,
    private readonly maxBytes: number,
    private readonly trustedHosts: readonly string[] = [],
  ) {
    fs.mkdirSync(dir, { recursive: true });
  }

  /** Absolute path of a stored file; refuses anything that would leave the audio folder. */
  resolve(relative: string): string {
    const full = path.resolve(this.dir, relative);
    if (!full.startsWith(`${this.dir}${path.sep}`)) throw new Error(`bad audio path ${relative}`);
    return full;
  }

  async write(relative: string, data: Buffer): Promise<string> {
    const full = this.resolve(relative);
    fs.mkdirSync(path.dirname(full), { recursive: true });
    const tmp = `${full}.${randomBytes(4).toString('hex')}.tmp`;
    await fs.promises.writeFile(tmp, data);
    await fs.promises.rename(tmp, full);
    return relative;
  }

  /** Whether a stored file is what `kind` says (the built-in engine's files are checked too). */
  async holds(relative: string, kind: MediaKind): Promise<boolean> {
    const full = this.resolve(relative);
    if (!fs.existsSync(full)) return false;
    const head = await readHead(full, kind === 'wav' ? WAV_HEAD_BYTES : this.maxBytes);
    return sniff(kind, head) !== undefined;
  }

  /**
   * Fetches `url` under the media policy into `relative`, keeping it only when its bytes parse as
   * `kind`. Throws MediaRefused when the link or the content is refused (nothing is stored) and a
   * plain Error when a retry may succeed. Answers the content type found.
   */
  async download(
    url: string,
    relative: string,
    kind: MediaKind,
  ): Promise<{ bytes: number; contentType: string }> {
    const full = this.resolve(relative);
    fs.mkdirSync(path.dirname(full), { recursive: true });
    const tmp = `${full}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      const { bytes } = await fetchToFile(url, tmp, {
        trustedHosts: this.trustedHosts,
        maxBytes: kind === 'image' ? Math.min(this.maxBytes, MAX_IMAGE_BYTES) : this.maxBytes,
        timeoutMs: DOWNLOAD_TIMEOUT_MS[kind],
      });
      const contentType = sniff(kind, await readHead(tmp, kind === 'wav' ? WAV_HEAD_BYTES : bytes));
      if (!contentType) throw new MediaRefused(`the file is not ${NAMES[kind]}`);
      await fs.promises.rename(tmp, full);
      return { bytes, contentType };
    } finally {
      fs.rmSync(tmp, { force: true });
    }
  }
}

function sniff(kind: MediaKind, data: Buffer): string | undefined {
  if (kind === 'mp3') return isMp3(data) ? 'audio/mpeg' : undefined;
  if (kind === 'wav') return isWav(data) ? 'audio/wav' : undefined;
  return imageTypeOf(data);
}

async function readHead(file: string, max: number): Promise<Buffer> {
  const handle = await fs.promises.open(file, 'r');
  try {
    const { size } = await handle.stat();
    const buf = Buffer.alloc(Math.min(size, max));
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}
