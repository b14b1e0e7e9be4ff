import { processesMentioning, type RunningStack } from '../../tests/helpers/stack.ts';
import { childrenWithEnv, isGone } from './procs.ts';

/** Stops the stack, and whatever of it outlives the stop, within a bounded time. */
export async function stopStack(stack: RunningStack | undefined, dataDir: string) {
  const waitGone = async (pids: number[], ms: number) => {
    const deadline = Date.now() + ms;
    while (pids.some((p) => !isGone(p)) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
  };
  // A stack whose start failed was never handed back; its supervisor is still our child.
  const roots = stack ? [stack.child.pid!] : childrenWithEnv('DATA_DIR', dataDir);
  for (const pid of roots) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {}
  }
  await waitGone(roots, 20_000);
  const leftovers = [...roots.filter((p) => !isGone(p)), ...processesMentioning(dataDir)];
  for (const pid of leftovers) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {}
  }
  await waitGone(leftovers, 5_000);
}
