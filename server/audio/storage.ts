import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

// What a provider may hand us as audio. Anything else (an HTML error page, JSON) is refused.
const AUDIO_TYPES = /^(audio\/[\w.+-]+|application\/octet-stream|binary\/octet-stream)\b/i;

/** Where the server keeps audio: `$DATA_DIR/audio/<slot>/<file>`, written atomically. */
export class AudioStorage {
  constructor(
    readonly dir: string,
    private readonly maxBytes: number,
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

  /** Streams `url` into storage, stopping at the size cap and refusing non-audio answers. */
  async download(
    url: string,
    relative: string,
    timeoutMs = 120_000,
  ): Promise<{ bytes: number; contentType: string }> {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'follow' });
    if (!res.ok || !res.body) throw new Error(`download of ${url} answered ${res.status}`);
    const contentType = res.headers.get('content-type') ?? '';
    if (!AUDIO_TYPES.test(contentType)) {
      await res.body.cancel();
      throw new Error(`download of ${url} is ${contentType || 'untyped'}, not audio`);
    }
    const declared = Number(res.headers.get('content-length') ?? 0);
    if (declared > this.maxBytes) {
      await res.body.cancel();
      throw new Error(
        `download of ${url} is ${declared} bytes, over the ${this.maxBytes} byte cap`,
      );
    }
    const full = this.resolve(relative);
    fs.mkdirSync(path.dirname(full), { recursive: true });
    const tmp = `${full}.${randomBytes(4).toString('hex')}.tmp`;
    let bytes = 0;
    const max = this.maxBytes;
    try {
      await pipeline(
        Readable.fromWeb(res.body as never),
        async function* (source: AsyncIterable<Buffer>) {
          for await (const chunk of source) {
            bytes += chunk.length;
            if (bytes > max) throw new Error(`download of ${url} passed the ${max} byte cap`);
            yield chunk;
          }
        },
        fs.createWriteStream(tmp),
      );
      await fs.promises.rename(tmp, full);
    } catch (err) {
      fs.rmSync(tmp, { force: true });
      throw err;
    }
    return { bytes, contentType };
  }
}
