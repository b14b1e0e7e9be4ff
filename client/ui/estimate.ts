import { endOfDay, startOfDay } from '../../schema/calendar.ts';
import type { SlotStatus } from '../../schema/status.ts';

// What a person reads about time: how long a variation still takes, and whether a song will be
// ready for its occasion. Words are English; dates, times and units follow the person's locale.

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
// Ready this long before the day starts is "well before"; closer is only "in time".
const WELL_BEFORE_MS = 12 * HOUR;

/** "about 2 min left" from an expected-ready time; never negative: once past, "any moment now". */
export function timeLeft(expectedReadyAt: number, now: number, locale?: string): string {
  const left = expectedReadyAt - now;
  if (left <= 0) return 'any moment now';
  if (left < MINUTE) return 'less than a minute left';
  const unit = (n: number, u: 'minute' | 'hour') =>
    new Intl.NumberFormat(locale, { style: 'unit', unit: u, unitDisplay: 'short' }).format(n);
  const minutes = Math.round(left / MINUTE);
  if (minutes < 60) return `about ${unit(minutes, 'minute')} left`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest === 0
    ? `about ${unit(hours, 'hour')} left`
    : `about ${unit(hours, 'hour')} ${unit(rest, 'minute')} left`;
}

/** A YYYY-MM-DD day as "Sat 12 Dec" in the person's locale, with the year when it is not this one. */
export function dayLabel(date: string, now: number, locale?: string): string {
  const day = startOfDay(date);
  const thisYear = day.getFullYear() === new Date(now).getFullYear();
  return new Intl.DateTimeFormat(locale, {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    ...(thisYear ? {} : { year: 'numeric' }),
  }).format(day);
}

/** Whether a YYYY-MM-DD day is over (before today, where the person is). */
export function isPastDay(date: string | undefined, now: number): boolean {
  return !!date && endOfDay(date).getTime() <= now;
}

/** Where a song's readiness stands against its occasion, and how to say it. */
export interface Readiness {
  /** In time; on the day itself; after it; not known yet; or the day is already over. */
  tone: 'ok' | 'tight' | 'late' | 'open' | 'past';
  text: string;
}

/**
 * Whether a song will be ready for its occasion day. `readyAt` is when its last variation is
 * expected (epoch ms), 'ready' when all are made, or undefined while no estimate is known.
 */
export function readinessFor(
  occasionDate: string,
  readyAt: number | 'ready' | undefined,
  now: number,
  locale?: string,
): Readiness {
  const day = dayLabel(occasionDate, now, locale);
  const start = startOfDay(occasionDate).getTime();
  const end = endOfDay(occasionDate).getTime();
  if (end <= now) {
    return {
      tone: 'past',
      text: `${day} has already passed; your songs are made all the same.`,
    };
  }
  if (readyAt === undefined) {
    return { tone: 'open', text: `Working out whether it will be ready before ${day}…` };
  }
  const at = readyAt === 'ready' ? now : Math.max(readyAt, now);
  if (at <= start - WELL_BEFORE_MS) return { tone: 'ok', text: `Ready well before ${day}` };
  if (at < start) return { tone: 'ok', text: `Ready in time for ${day}` };
  if (at < end) {
    if (readyAt === 'ready') return { tone: 'ok', text: `Ready for today, ${day}` };
    const time = new Intl.DateTimeFormat(locale, { hour: 'numeric', minute: '2-digit' }).format(
      new Date(at),
    );
    return { tone: 'tight', text: `Ready on the day itself, ${day}, at about ${time}` };
  }
  const when = dayLabel(isoDay(new Date(at)), now, locale);
  return {
    tone: 'late',
    text: `May not be ready in time: expected ${when}, after ${day}`,
  };
}

/** The YYYY-MM-DD of an instant, in this runtime's time zone. */
export function isoDay(at: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}`;
}

/** What a song's readiness is read from: its current variations. */
export type SlotTimes = { status: SlotStatus; expectedReadyAt?: number | null | undefined };

/**
 * When the last variation still being made is expected: 'ready' when every one that did not fail
 * is made, undefined while any lacks an estimate (not yet sent, or waiting for a place).
 */
export function lastReady(slots: SlotTimes[]): number | 'ready' | undefined {
  const making = slots.filter((s) => s.status === 'queued' || s.status === 'generating');
  if (making.length === 0) return slots.some((s) => s.status === 'ready') ? 'ready' : undefined;
  let last = 0;
  for (const slot of making) {
    if (slot.expectedReadyAt == null) return undefined;
    last = Math.max(last, slot.expectedReadyAt);
  }
  return last;
}
