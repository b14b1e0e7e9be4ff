import { describe, expect, it } from 'vitest';
import { withWorkspace, type Workspace } from '../../server/engine/workspace.ts';

describe('render workspace', () => {
  it('hands a render zeroed buffers, reusing the memory of the render before', async () => {
    let first: Float32Array | undefined;
    await withWorkspace(async (w) => {
      first = w.take('left', 1000);
      first.fill(0.5);
    });
    await withWorkspace(async (w) => {
      const again = w.take('left', 800);
      expect(again.buffer).toBe(first!.buffer);
      expect(again.length).toBe(800);
      expect(again.every((v) => v === 0)).toBe(true);
      // A longer take gets a longer buffer.
      expect(w.take('left', 2000).length).toBe(2000);
    });
  });

  it('never gives two renders in flight on one thread the same buffers', async () => {
    const seen: Workspace[] = [];
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const a = withWorkspace(async (w) => {
      seen.push(w);
      await held;
    });
    const b = withWorkspace(async (w) => {
      seen.push(w);
    });
    await b;
    release();
    await a;
    expect(seen).toHaveLength(2);
    expect(seen[0]).not.toBe(seen[1]);
    expect(seen[0]!.take('send', 10).buffer).not.toBe(seen[1]!.take('send', 10).buffer);
  });
});
