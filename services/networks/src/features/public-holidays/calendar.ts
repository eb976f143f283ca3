import type { InvalidField } from '@vangnet/platform/problem';
import { dutchPublicHolidays, easterSunday, type HolidayCalendar } from '@vangnet/platform/working-days';

export interface PublicHoliday {
  /** ISO date. */
  date: string;
  name: string;
}

const shift = (date: string, days: number) =>
  new Date(new Date(`${date}T00:00:00Z`).getTime() + days * 86_400_000).toISOString().slice(0, 10);

/**
 * The built-in Dutch list of a year (see @vangnet/platform/working-days for
 * which days and why), with names, for a year no admin configured.
 */
export function defaultPublicHolidays(year: number): PublicHoliday[] {
  const easter = easterSunday(year);
  const names = new Map<string, string>([
    [`${year}-01-01`, 'Nieuwjaarsdag'],
    [easter, 'Eerste Paasdag'],
    [shift(easter, 1), 'Tweede Paasdag'],
    [`${year}-04-26`, 'Koningsdag'],
    [`${year}-04-27`, 'Koningsdag'],
    [`${year}-05-05`, 'Bevrijdingsdag'],
    [shift(easter, 39), 'Hemelvaartsdag'],
    [shift(easter, 49), 'Eerste Pinksterdag'],
    [shift(easter, 50), 'Tweede Pinksterdag'],
    [`${year}-12-25`, 'Eerste Kerstdag'],
    [`${year}-12-26`, 'Tweede Kerstdag'],
  ]);
  return dutchPublicHolidays(year).map((date) => ({ date, name: names.get(date) ?? 'Feestdag' }));
}

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
export function configuredCalendar(configured: ReadonlyMap<number, readonly string[]>): HolidayCalendar {
  const perYear = new Map<number, Set<string>>();
  const yearOf = (year: number) => {
    let dates = perYear.get(year);
    if (!dates) {
      dates = new Set(configured.get(year) ?? dutchPublicHolidays(year));
      perYear.set(year, dates);
    }
    return dates;
  };
  return { isHoliday: (date) => yearOf(Number(date.slice(0, 4))).has(date) };
}
