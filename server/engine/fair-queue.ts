// Owners remembered as served; past this the longest-ago half is forgotten (they count as new).
const REMEMBERED = 10_000;

/**
 * A queue that takes turns between owners: each owner's items come out in the order they went
 * in, and the next item always comes from the waiting owner served least recently (one never
 * served comes first). So one owner's backlog delays another owner's next item by at most the
 * items already in progress, never by the whole backlog.
 */
export class FairQueue<T> {
  private readonly byOwner = new Map<string, T[]>();
  // Owners in the order they were last served, least recent first.
  private readonly served = new Map<string, true>();
  private size = 0;

  get length(): number {
    return this.size;
  }

  push(owner: string, item: T): void {
    const items = this.byOwner.get(owner);
    if (items) items.push(item);
    else this.byOwner.set(owner, [item]);
    this.size++;
  }

  shift(): T | undefined {
    let owner: string | undefined;
    for (const waiting of this.byOwner.keys()) {
      if (!this.served.has(waiting)) {
        owner = waiting;
        break;
      }
    }
    if (owner === undefined) {
      for (const past of this.served.keys()) {
        if (this.byOwner.has(past)) {
          owner = past;
          break;
        }
      }
    }
    if (owner === undefined) return undefined;
    const items = this.byOwner.get(owner)!;
    const item = items.shift()!;
    if (items.length === 0) this.byOwner.delete(owner);
    this.size--;
    this.served.delete(owner);
    this.served.set(owner, true);
    if (this.served.size > REMEMBERED) {
      let forget = this.served.size / 2;
      for (const past of this.served.keys()) {
        if (forget-- <= 0) break;
        this.served.delete(past);
      }
    }
    return item;
  }

  /** Takes every item out, in no particular order. */
  drain(): T[] {
    const all = [...this.byOwner.values()].flat();
    this.byOwner.clear();
    this.size = 0;
    return all;
  }
}
