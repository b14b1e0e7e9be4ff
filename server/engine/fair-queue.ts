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
    const owner = nextOwner(this.byOwner, this.served);
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

  /** Every waiting item in the order shift would hand them out, the queue left as it is. */
  ordered(): T[] {
    const byOwner = new Map([...this.byOwner].map(([owner, items]) => [owner, [...items]]));
    const served = new Map(this.served);
    const out: T[] = [];
    for (let owner = nextOwner(byOwner, served); owner !== undefined;) {
      const items = byOwner.get(owner)!;
      out.push(items.shift()!);
      if (items.length === 0) byOwner.delete(owner);
      served.delete(owner);
      served.set(owner, true);
      owner = nextOwner(byOwner, served);
    }
    return out;
  }

  /** Takes every item out, in no particular order. */
  drain(): T[] {
    const all = [...this.byOwner.values()].flat();
    this.byOwner.clear();
    this.size = 0;
    return all;
  }
}

/** Whose turn it is: a waiting owner never served, else the one served least recently. */
function nextOwner<T>(byOwner: Map<string, T[]>, served: Map<string, true>): string | undefined {
  for (const waiting of byOwner.keys()) if (!served.has(waiting)) return waiting;
  for (const past of served.keys()) if (byOwner.has(past)) return past;
  return undefined;
}
