import { MPEGDecoder } from 'mpg123-decoder';
import { afterAll, beforeAll, expect } from 'vitest';

/**
 * An MP3 decoder for one test file (mpg123 in WebAssembly): ready before the first test, freed
 * after the last. The returned function decodes a whole file and fails the test on any error.
 */
export function useMp3Decoder(): (mp3: Uint8Array) => Promise<Float32Array[]> {
  const decoder = new MPEGDecoder();
  beforeAll(async () => {
    await decoder.ready;
  });
  afterAll(() => {
    decoder.free();
  });
  return async (mp3) => {
    await decoder.reset();
    const out = decoder.decode(mp3);
    expect(out.errors).toEqual([]);
    return out.channelData.map((c) => c.slice(0, out.samplesDecoded));
  };
}
