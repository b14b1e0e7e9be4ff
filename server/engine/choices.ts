// Arrangement decisions for one take. Take 2 must be audibly another arrangement of the same
// song, so for every named decision it first works out what take 1 chose and, where the table
// offers an alternative, picks something else.

import { Rng } from './random.ts';

export class Choices {
  private readonly own: Rng;
  private readonly first: Rng | null;

  constructor(songSeed: string, family: string, take: 1 | 2) {
    this.own = new Rng(`arrangement:${songSeed}:${family}:take${take}`);
    this.first = take === 2 ? new Rng(`arrangement:${songSeed}:${family}:take1`) : null;
  }

  pick<T>(name: string, items: readonly T[], weight: (item: T) => number = () => 1): T {
    if (items.length === 0) throw new Error(`no options for ${name}`);
    const draw = (rng: Rng, list: readonly T[]) =>
      rng.fork(name).weighted(list.map((i) => [i, weight(i)] as const));
    if (!this.first || items.length === 1) return draw(this.own, items);
    const taken = draw(this.first, items);
    const rest = items.filter((i) => i !== taken);
    return draw(this.own, rest.length > 0 ? rest : items);
  }

  /** A yes/no decision; take 2 flips take 1's answer when the odds leave room for either. */
  flag(name: string, p: number): boolean {
    const draw = (rng: Rng) => rng.fork(name).chance(p);
    if (!this.first || p <= 0 || p >= 1) return draw(this.own);
    return !draw(this.first);
  }

  rng(name: string): Rng {
    return this.own.fork(name);
  }
}
