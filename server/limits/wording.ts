const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;

/** "in 40 seconds", "in about 12 minutes", "in about 2 hours": when a refused action may go again. */
export function inAbout(ms: number): string {
  if (ms < MINUTE) return `in ${plural(Math.max(1, Math.ceil(ms / SECOND)), 'second')}`;
  if (ms < 90 * MINUTE) return `in about ${plural(Math.ceil(ms / MINUTE), 'minute')}`;
  return `in about ${plural(Math.round(ms / HOUR), 'hour')}`;
}

/** "hour", "10 minutes", "day": the window of a limit, as in "in the last hour". */
export function windowWords(ms: number): string {
  const [n, unit] =
    ms % (24 * HOUR) === 0
      ? [ms / (24 * HOUR), 'day']
      : ms % HOUR === 0
        ? [ms / HOUR, 'hour']
        : ms % MINUTE === 0
          ? [ms / MINUTE, 'minute']
          : [Math.ceil(ms / SECOND), 'second'];
  return n === 1 ? unit : plural(n, unit);
}

/** Retry-After in whole seconds (RFC 9110 §10.2.3), never 0 so a client always waits. */
export const retryAfterSeconds = (ms: number) => String(Math.max(1, Math.ceil(ms / SECOND)));
