import type { InvalidField } from '@vangnet/platform/problem';
import { dutchPublicHolidayList, type HolidayCalendar, holidayCalendar } from '@vangnet/platform/working-days';

export interface PublicHoliday {
  /** ISO date. */
  date: string;
  name: string;
}

/**
 * The built-in Dutch list of a year (@vangnet/platform/working-days, which
 * says which days and why), with names, for a year no admin configured.
 */
export const defaultPublicHolidays = (year: number): PublicHoliday[] => dutchPublicHolidayList(year);

/**
 * What is wrong with a list for `year`, every field at once: a date in
 * another year (a typo there would silently shift another year's
 * deadlines), or a date given twice. Pure.
 */
export function invalidHolidays(year: number, holidays: readonly PublicHoliday[]): InvalidField[] {
  const errors: InvalidField[] = [];
  const seen = new Set<string>();
  holidays.forEach((holiday, index) => {
    const pointer = `/holidays/${index}/date`;
    if (!holiday.date.startsWith(`${year}-`)) {
      errors.push({ in: 'body', pointer, code: 'HOLIDAY_OUTSIDE_YEAR', detail: `${holiday.date} is not in ${year}` });
    } else if (seen.has(holiday.date)) {
      errors.push({ in: 'body', pointer, code: 'HOLIDAY_DUPLICATE', detail: `${holiday.date} is listed twice` });
    }
    seen.add(holiday.date);
  });
  return errors;
}

/**
 * The calendar deadlines are counted on: a configured year's own list
 * (replacing the Dutch one, so a municipality can also drop a day), any
 * other year the built-in Dutch list. Pure.
 */
export const configuredCalendar = (configured: ReadonlyMap<number, readonly string[]>): HolidayCalendar =>
  holidayCalendar({ years: configured });
