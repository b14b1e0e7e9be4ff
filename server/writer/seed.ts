import { createHash } from 'node:crypto';

// Deterministic choices: the same brief, preset and song index always pick the same templates,
// so the local writer is reproducible and its output cacheable.

export type Chooser = {
  pick<T>(items: readonly T[]): T;
  shuffle<T>(items: readonly T[]): T[];
};

export function chooser(seed: string): Chooser {
  const digest = createHash('sha256').update(seed).digest();
  let state = digest.readUInt32LE(0);
  // mulberry32: tiny, fast and well distributed enough for picking lines.
  const next = () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    pick: (items) => {
      if (items.length === 0) throw new Error('cannot pick from an empty list');
      return items[Math.floor(next() * items.length)]!;
    },
    shuffle: (items) => {
      const out = [...items];
      for (let i = out.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        [out[i], out[j]] = [out[j]!, out[i]!];
      }
      return out;
    },
  };
}
