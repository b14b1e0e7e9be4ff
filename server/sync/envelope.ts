import { MAX_ARGS_DEPTH, MAX_ARGS_VALUES, SyncOp, type OpResult } from '../../schema/ops.ts';

/** One element of a batch: an op sound enough to hash and look up, or its refusal. */
export type ReadOp = { op: SyncOp } | { refused: OpResult };

/**
 * Reads one element of `ops` as sent. Anything that is not an op with a UUID id, a type and
 * args of bounded depth and size is refused alone, before anything walks or stores it.
 */
export function readOp(raw: unknown): ReadOp {
  const sentId = (raw as { id?: unknown } | null)?.id;
  const id = typeof sentId === 'string' ? sentId : '';
  const refuse = (error: string): ReadOp => ({
    refused: { id, status: 'rejected', code: 'invalid', error },
  });
  if (!raw || typeof raw !== 'object' || Array.isArray(raw))
    return refuse('a change must be an object with an id, a type and args');
  const parsed = SyncOp.safeParse(raw);
  if (!parsed.success) return refuse(parsed.error.issues.map((i) => i.message).join('; '));
  const tooBig = argsBound(parsed.data.args);
  return tooBig ? refuse(tooBig) : { op: parsed.data };
}

/** Why args are too deep or too big to hash, or undefined. Iterative: no depth overflows it. */
function argsBound(args: unknown): string | undefined {
  const stack: [unknown, number][] = [[args, 0]];
  let values = 1;
  while (stack.length) {
    const [value, depth] = stack.pop()!;
    if (!value || typeof value !== 'object') continue;
    if (depth >= MAX_ARGS_DEPTH)
      return `this change is nested more than ${MAX_ARGS_DEPTH} levels deep; no change needs that`;
    const children = Object.values(value);
    values += children.length;
    if (values > MAX_ARGS_VALUES)
      return `this change holds more than ${MAX_ARGS_VALUES} values; no change needs that many`;
    for (const child of children) stack.push([child, depth + 1]);
  }
  return undefined;
}
