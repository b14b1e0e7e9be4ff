import { describe, expect, it } from 'vitest';
import { isCalendarDate } from '../../schema/calendar.ts';
import { FieldTimes, SongBrief, SongDraft } from '../../schema/draft.ts';
import {
  dayLabel,
  isPastDay,
  lastReady,
  readinessFor,
  timeLeft,
} from '../../client/ui/estimate.ts';

// Times are built in this runtime's own time zone, as the browser reads a picked day.
const at = (y: number, m: number, d: number, h = 12, min = 0) =>
  new Date(y, m - 1, d, h, min).getTime();
const MIN = 60_000;

describe('the occasion date in the brief', () => {
  it('takes an empty date, or a real day written YYYY-MM-DD', () => {
    expect(SongDraft.safeParse({ occasionDate: '' }).success).toBe(true);
    expect(SongDraft.safeParse({ occasionDate: '2026-12-12' }).success).toBe(true);
    expect(SongDraft.safeParse({ occasionDate: '2028-02-29' }).success).toBe(true);
    // Left out entirely (drafts from before the field existed) is no date too.
    expect(SongDraft.parse({}).occasionDate).toBeUndefined();
  });

  it('refuses what is not a day on the calendar, in words a person understands', () => {
    for (const bad of ['2026-02-30', '2027-02-29', '2026-13-01', '12/12/2026', '2026-1-5', ' ']) {
      const parsed = SongBrief.safeParse({
        recipient: 'Ana',
        occasion: 'birthday',
        story: 'We met in Lisbon.',
        occasionDate: bad,
      });
      expect(parsed.success, bad).toBe(false);
      expect(parsed.error!.issues[0]!.message).toBe(
        'that date is not a day on the calendar; pick it again',
      );
      expect(parsed.error!.issues[0]!.path).toEqual(['occasionDate']);
    }
    expect(isCalendarDate('2026-04-31')).toBe(false);
    expect(isCalendarDate('2026-04-30')).toBe(true);
  });

  it('has a field time the server accepts, as every field of a song does', () => {
    expect(FieldTimes.safeParse({ 'songs.0.occasionDate': 1 }).success).toBe(true);
    expect(FieldTimes.safeParse({ 'songs.9.occasionDate': 1 }).success).toBe(false);
  });
});

describe('timeLeft', () => {
  const now = at(2026, 12, 1, 10);
  it('counts down in minutes and hours, in the locale', () => {
    expect(timeLeft(now + 2 * MIN, now, 'en-US')).toBe('about 2 min left');
    expect(timeLeft(now + 2.4 * MIN, now, 'en-US')).toBe('about 2 min left');
    expect(timeLeft(now + 45_000, now, 'en-US')).toBe('less than a minute left');
    expect(timeLeft(now + 80 * MIN, now, 'en-US')).toBe('about 1 hr 20 min left');
    expect(timeLeft(now + 120 * MIN, now, 'en-US')).toBe('about 2 hr left');
    expect(timeLeft(now + 2 * MIN, now, 'en-GB')).toBe('about 2 mins left');
    expect(timeLeft(now + 2 * MIN, now, 'de-DE')).toBe('about 2 Min. left');
  });

  it('is never negative: past the expected time it is any moment now', () => {
    expect(timeLeft(now, now)).toBe('any moment now');
    expect(timeLeft(now - 5 * MIN, now)).toBe('any moment now');
  });
});

describe('readinessFor', () => {
  const now = at(2026, 12, 1, 10);

  it('says a song will be ready well before a day that is days away', () => {
    expect(readinessFor('2026-12-12', now + 3 * MIN, now, 'en-GB')).toEqual({
      tone: 'ok',
      text: 'Ready well before Sat 12 Dec',
    });
    expect(readinessFor('2026-12-12', now + 3 * MIN, now, 'en-US').text).toBe(
      'Ready well before Sat, Dec 12',
    );
    expect(readinessFor('2026-12-12', 'ready', now, 'en-GB').text).toBe(
      'Ready well before Sat 12 Dec',
    );
  });

  it('says only "in time" when it is ready the evening before', () => {
    const evening = at(2026, 12, 1, 21);
    expect(readinessFor('2026-12-02', evening + 30 * MIN, evening, 'en-GB')).toEqual({
      tone: 'ok',
      text: 'Ready in time for Wed 2 Dec',
    });
  });

  it('says when it will be ready on the day itself', () => {
    const r = readinessFor('2026-12-01', now + 20 * MIN, now, 'en-GB');
    expect(r.tone).toBe('tight');
    expect(r.text).toBe('Ready on the day itself, Tue 1 Dec, at about 10:20');
    expect(readinessFor('2026-12-01', 'ready', now, 'en-GB')).toEqual({
      tone: 'ok',
      text: 'Ready for today, Tue 1 Dec',
    });
  });

  it('warns clearly when the estimate falls after the day', () => {
    const late = readinessFor('2026-12-01', at(2026, 12, 2, 9), now, 'en-GB');
    expect(late).toEqual({
      tone: 'late',
      text: 'May not be ready in time: expected Wed 2 Dec, after Tue 1 Dec',
    });
  });

  it('says gently when the day has passed, and waits for an estimate it does not have', () => {
    expect(readinessFor('2026-11-30', now + MIN, now, 'en-GB')).toEqual({
      tone: 'past',
      text: 'Mon 30 Nov has already passed; your songs are made all the same.',
    });
    expect(readinessFor('2026-12-12', undefined, now, 'en-GB')).toEqual({
      tone: 'open',
      text: 'Working out whether it will be ready before Sat 12 Dec…',
    });
  });

  it('names the year of a day in another year', () => {
    expect(dayLabel('2027-01-08', now, 'en-GB')).toBe('Fri, 8 Jan 2027');
    expect(dayLabel('2026-12-12', now, 'de-DE')).toBe('Sa., 12. Dez.');
  });
});

describe('isPastDay', () => {
  const now = at(2026, 12, 1, 10);
  it('is true only once the whole day is over', () => {
    expect(isPastDay('2026-11-30', now)).toBe(true);
    expect(isPastDay('2026-12-01', now)).toBe(false);
    expect(isPastDay('2026-12-02', now)).toBe(false);
    expect(isPastDay('', now)).toBe(false);
    expect(isPastDay(undefined, now)).toBe(false);
  });
});

describe('lastReady', () => {
  it('is the latest estimate of the variations still being made', () => {
    expect(
      lastReady([
        { status: 'generating', expectedReadyAt: 1_000 },
        { status: 'generating', expectedReadyAt: 3_000 },
        { status: 'ready', expectedReadyAt: 9_000 },
      ]),
    ).toBe(3_000);
  });

  it('is unknown while one being made has no estimate, and ready once all are made', () => {
    expect(
      lastReady([
        { status: 'generating', expectedReadyAt: 1_000 },
        { status: 'queued', expectedReadyAt: null },
      ]),
    ).toBeUndefined();
    expect(lastReady([{ status: 'ready' }, { status: 'failed' }, { status: 'ready' }])).toBe(
      'ready',
    );
    expect(lastReady([])).toBeUndefined();
  });
});
