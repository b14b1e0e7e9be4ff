import { describe, expect, it } from 'vitest';
import { engineFiles, engineFingerprint } from '../../server/engine/fingerprint.ts';

// What is kept from a render outside a slot (Home's sample songs) is keyed by the engine's
// fingerprint: it must cover everything a render worker runs or reads, or an upgrade would go on
// serving what the older engine made.

describe("the engine's fingerprint", () => {
  it('covers every file a render worker runs or reads, and nothing of the API thread', async () => {
    const files = await engineFiles();
    expect(files).toEqual(
      expect.arrayContaining([
        'server/engine/worker-entry.mjs',
        'server/engine/worker.ts',
        'server/engine/render.ts',
        'server/engine/soundfont.ts',
        'server/media/mp3/encode.ts',
        // Read by URL, not imported: the encoder itself.
        'server/media/mp3/lame/lame.wasm',
        // The shared rules the composer reads (presets, lyrics' tags).
        'schema/presets.ts',
      ]),
    );
    // The pool hands out work on the API thread; it changes no note.
    expect(files).not.toContain('server/engine/pool.ts');
    expect(files).not.toContain('server/engine/fingerprint.ts');
  });

  it('is one stable hash', async () => {
    const [a, b] = await Promise.all([engineFingerprint(), engineFingerprint()]);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(b).toBe(a);
  });
});
