// Song-length sample buffers kept from one render to the next on a thread. A fresh 26 MB buffer
// (150 s at 44.1 kHz) costs about 100 ms of CPU in page faults and zeroing before the first
// sample is written, and a render needs six of them; a buffer already mapped is cleared in a
// millisecond or two. The cost is memory an idle worker keeps: six buffers as long as the
// longest take it has rendered (about 160 MB at 150 s).

const ROLES = ['left', 'right', 'send', 'sourceLeft', 'sourceRight', 'peaks'] as const;

export type BufferRole = (typeof ROLES)[number];

export class Workspace {
  private readonly buffers = new Map<BufferRole, Float32Array>();

  /** A zeroed buffer of `length` samples for `role`, valid until the workspace is handed back. */
  take(role: BufferRole, length: number): Float32Array {
    let buf = this.buffers.get(role);
    if (!buf || buf.length < length) {
      buf = new Float32Array(length);
      this.buffers.set(role, buf);
      return buf;
    }
    const view = buf.subarray(0, length);
    view.fill(0);
    return view;
  }
}

// One idle workspace per thread. Renders that overlap on one thread (they await between
// stages) each get their own, so no two ever write the same buffer.
let idle: Workspace | null = null;

/** Runs `use` with the thread's workspace, or a new one while that is in use. */
export async function withWorkspace<T>(use: (w: Workspace) => Promise<T>): Promise<T> {
  const w = idle ?? new Workspace();
  idle = null;
  try {
    return await use(w);
  } finally {
    idle = w;
  }
}
