import type { Sql } from 'postgres';
import { logger } from '../log.ts';
import type { MusicProvider } from '../providers/types.ts';

const log = logger('generation');

/**
 * Holds the leases of slots whose takes this process renders itself (the built-in engine) for as
 * long as the engine works on them, waiting turns included. A render that ends without its takes
 * stored (it failed, or the process stopped) is let go: its lease runs out and any process's
 * reconciler renders it again. One heartbeat for all of them, like holdLease's for a claim.
 */
export class RenderLeases {
  // Slot id → task id.
  private readonly held = new Map<string, string>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly sql: Sql,
    private readonly provider: MusicProvider,
    private readonly workerId: string,
    private readonly leaseMs: number,
  ) {}

  hold(slotId: string, taskId: string): void {
    this.held.set(slotId, taskId);
    const every = Math.max(50, Math.floor(this.leaseMs / 3));
    this.timer ??= setInterval(
      () =>
        void this.beat().catch((err) =>
          log.warn('could not extend render leases', { error: String(err) }),
        ),
      every,
    );
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.held.clear();
  }

  private async beat(): Promise<void> {
    for (const [slotId, taskId] of this.held) {
      if (!this.provider.isRunningHere?.(taskId)) this.held.delete(slotId);
    }
    if (this.held.size === 0) {
      this.stop();
      return;
    }
    await this.sql`
      update slots set lease_expires_at = now() + ${this.leaseMs} * interval '1 millisecond'
      where id in ${this.sql([...this.held.keys()])} and lease_owner = ${this.workerId}
        and status = 'generating'`;
  }
}
