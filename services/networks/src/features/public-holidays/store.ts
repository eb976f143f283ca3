import { amsterdamDate, type HolidayCalendar } from '@vangnet/platform/working-days';
import type { Transaction } from '../../db.ts';
import { configuredCalendar, defaultPublicHolidays, type PublicHoliday } from './calendar.ts';

type Reader = Pick<Transaction, 'publicHolidayYear'>;

/**
 * The calendar for deadlines set at `now`: the configured years from last
 * year on (a deadline never lies in the past; escalation dates reach into
 * the next year), the Dutch list for any other. A handful of small rows,
 * read per decision so a changed list counts from the next decision on.
 */
export async function loadHolidayCalendar(db: Reader, now: Date): Promise<HolidayCalendar> {
  const from = Number(amsterdamDate(now).slice(0, 4)) - 1;
  const rows = await db.publicHolidayYear.findMany({ where: { year: { gte: from } } });
  return configuredCalendar(
    new Map(rows.map((row) => [row.year, (row.holidays as unknown as PublicHoliday[]).map((h) => h.date)])),
  );
}

export async function readHolidays(
  db: Reader,
  year: number,
): Promise<{ source: 'configured' | 'default'; holidays: PublicHoliday[] }> {
  const row = await db.publicHolidayYear.findUnique({ where: { year } });
  if (!row) return { source: 'default', holidays: defaultPublicHolidays(year) };
  return { source: 'configured', holidays: row.holidays as unknown as PublicHoliday[] };
}

/** Replaces the year's list as a whole; sorted so every reader sees calendar order. */
export async function saveHolidays(db: Reader, year: number, holidays: PublicHoliday[], now: Date): Promise<void> {
  const sorted = [...holidays].sort((a, b) => a.date.localeCompare(b.date));
  const data = { holidays: sorted as unknown as object, updatedAt: now };
  await db.publicHolidayYear.upsert({ where: { year }, create: { year, ...data }, update: data });
}
