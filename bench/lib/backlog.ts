/**
 * The ops a client has applied and not yet sent again, oldest first: what an outbox resends once
 * it lost the answers to a batch. Each op is handed out once, so every replay in a run carries its
 * own id, as a real outbox's do; a pool drawn from with replacement would replay a few hot ids
 * whose ledger rows stay in cache, which a real backlog never does.
 */
export class ReplayBacklog<T> {
  private readonly items: T[] = [];
  private head = 0;

  add(item: T): void {
    this.items.push(item);
  }

  /** Up to `n` of the oldest ops not yet replayed; none of them is handed out again. */
  take(n: number): T[] {
    const out = this.items.slice(this.head, this.head + n);
    this.head += out.length;
    return out;
  }
}

/** Throws when an id is replayed twice in one run, which would flatter the ledger's lookups. */
export class DistinctReplays {
  private readonly seen = new Set<string>();

  note(id: string): void {
    if (this.seen.has(id)) throw new Error(`op ${id} was replayed twice in one run`);
    this.seen.add(id);
  }

  get count(): number {
    return this.seen.size;
  }
}
