// Calendar days as a person picks them (an <input type="date">): a day, not an instant. They are
// kept as YYYY-MM-DD text and read in the reader's own time zone, so an occasion on Saturday is
// Saturday wherever the person is, and no server clock moves it a day.

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whether `text` is a real day written YYYY-MM-DD: 2026-02-30 is not. */
export function isCalendarDate(text: string): boolean {
  const m = ISO_DATE.exec(text);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const at = new Date(Date.UTC(year, month - 1, day));
  return at.getUTCFullYear() === year && at.getUTCMonth() === month - 1 && at.getUTCDate() === day;
}

/** The first instant of a YYYY-MM-DD day in this runtime's time zone. */
export function startOfDay(date: string): Date {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return new Date(year, month - 1, day);
}

/** The first instant of the day after a YYYY-MM-DD day, in this runtime's time zone. */
export function endOfDay(date: string): Date {
  const start = startOfDay(date);
  return new Date(start.getFullYear(), start.getMonth(), start.getDate() + 1);
}
