// Renders songs on a worker thread. The SoundFont and the MP3 encoder are loaded once per worker
// and reused.

import { parentPort } from 'node:worker_threads';
import { loadMp3Encoder } from '../media/mp3/encode.ts';
import { renderSong } from './render.ts';
import type { SongSpec } from './types.ts';

export interface RenderRequest {
  id: number;
  spec: SongSpec;
}

export type RenderReply =
  | {
      id: number;
      ok: true;
      mp3: ArrayBuffer;
      previewMp3: ArrayBuffer;
      take: Omit<Awaited<ReturnType<typeof renderSong>>, 'mp3' | 'previewMp3'>;
    }
  | { id: number; ok: false; error: string };

function detach(buf: Buffer): ArrayBuffer {
  // Copy out of Node's shared allocation pool so the buffer can be transferred, not cloned.
  const out = new ArrayBuffer(buf.length);
  new Uint8Array(out).set(buf);
  return out;
}

const port = parentPort;
if (!port) throw new Error('worker.ts must run in a worker thread');

// Compile the encoder's WebAssembly while the first song is composed and synthesised. A failure
// here is not lost: the render that needs the encoder compiles it again and reports the error.
loadMp3Encoder().catch(() => undefined);

port.on('message', (req: RenderRequest) => {
  renderSong(req.spec).then(
    ({ mp3, previewMp3, ...take }) => {
      const a = detach(mp3);
      const b = detach(previewMp3);
      const reply: RenderReply = { id: req.id, ok: true, mp3: a, previewMp3: b, take };
      port.postMessage(reply, [a, b]);
    },
    (err: unknown) => {
      const reply: RenderReply = {
        id: req.id,
        ok: false,
        error: err instanceof Error ? (err.stack ?? err.message) : String(err),
      };
      port.postMessage(reply);
    },
  );
});
