/**
 * Shared by networks (which sets deadlines) and referrals (which fills in an
 * escalation date missing from older routing decisions and runs the timers);
 * moved here from services/networks so neither service imports the other.
 *
 * Deadlines in working days on the calendar of the municipality
 * (Europe/Amsterdam), not of the server: Monday to Friday, without public
 * holidays. An item taken in at the weekend or on a holiday starts counting
 * on the next working day.
 *
 * The default holidays are the Dutch general public holidays a social-work
 * team has off: Nieuwjaarsdag, Eerste en Tweede Paasdag, Koningsdag,
 * Hemelvaartsdag, Eerste en Tweede Pinksterdag, Eerste en Tweede Kerstdag.
 * Goede Vrijdag is not a general day off and is left out. Bevrijdingsdag
 * (5 May) is a day off every five years in most collective agreements (CAO
 * Sociaal Werk: 2025, 2030, ...) and every year in others (CAO Gemeenten):
 * `liberationDay` chooses, every five years by default. A municipality with
 * another calendar passes its own list per year (`holidayCalendar({ extra, … })`,
 * or networks' configured years).
 *
 * The days are computed here (Easter and fixed dates, see dutchPublicHolidayList).
 * They used to come from the `date-holidays` package at run time, which loads
 * every country's calendar and an astronomy and time-zone library with it:
 * 23 MB of resident memory in each service for nine dates a year. The unit
 * test holds this list to date-holidays' Dutch public holidays for every year
 * from 1949 to 2200, so the maintained data stays the reference.
 */

const DAY_MS = 24 * 60 * 60 * 1000;

/** The calendar date in Amsterdam at `instant`, as `YYYY-MM-DD`. */
// Made once: building an Intl.DateTimeFormat costs tens of microseconds, and
// the router and the team inbox format dates for every item they touch.
const amsterdamDay = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/Amsterdam',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});
const amsterdamHour = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/Amsterdam',
  hour: '2-digit',
  hourCycle: 'h23',
});

export function amsterdamDate(instant: Date): string {
  return amsterdamDay.format(instant);
}

const iso = (date: Date) => date.toISOString().slice(0, 10);
const plusDays = (date: Date, days: number) => new Date(date.getTime() + days * DAY_MS);

export type LiberationDayRule = 'every_year' | 'every_five_years' | 'never';

export interface NamedHoliday {
  /** ISO date. */
  date: string;
  /** The Dutch name, as date-holidays gives it. */
  name: string;
}

/** Easter Sunday of the Gregorian calendar (the anonymous algorithm, Meeus/Jones/Butcher), at UTC midnight. */
export function easterSunday(year: number): Date {
  const a = year % 19;
  const century = Math.floor(year / 100);
  const yearOfCentury = year % 100;
  const f = Math.floor((century + 8) / 25);
  const g = Math.floor((century - f + 1) / 3);
  const h = (19 * a + century - Math.floor(century / 4) - g + 15) % 30;
  const l = (32 + 2 * (century % 4) + 2 * Math.floor(yearOfCentury / 4) - h - (yearOfCentury % 4)) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const monthAndDay = h + l - 7 * m + 114;
  return new Date(Date.UTC(year, Math.floor(monthAndDay / 31) - 1, (monthAndDay % 31) + 1));
}

/**
 * The monarch's day: Koningsdag on 27 April since 2014, Koninginnedag on 30
 * April before; on a Saturday when the day is a Sunday, except from 1949 to
 * 1979, when it moved to the Monday.
 */
function monarchsDay(year: number): NamedHoliday {
  const [day, name] = year >= 2014 ? [27, 'Koningsdag'] : [30, 'Koninginnedag'];
  const date = new Date(Date.UTC(year, 3, day));
  const shift = date.getUTCDay() !== 0 ? 0 : year < 1980 ? 1 : -1;
  return { date: iso(plusDays(date, shift)), name };
}

/** The Dutch public holidays a team has off in `year` (from 1949), with their names, in calendar order. */
export function dutchPublicHolidayList(
  year: number,
  liberationDay: LiberationDayRule = 'every_five_years',
): NamedHoliday[] {
  const liberation = liberationDay === 'every_year' || (liberationDay === 'every_five_years' && year % 5 === 0);
  const fixed = (monthDay: string, name: string): NamedHoliday => ({ date: `${year}-${monthDay}`, name });
  const easter = easterSunday(year);
  const afterEaster = (days: number, name: string): NamedHoliday => ({ date: iso(plusDays(easter, days)), name });
  const days = [
    fixed('01-01', 'Nieuwjaar'),
    afterEaster(0, 'Pasen'),
    afterEaster(1, 'Tweede paasdag'),
    monarchsDay(year),
    ...(liberation ? [fixed('05-05', 'Bevrijdingsdag')] : []),
    afterEaster(39, 'Hemelvaartsdag'),
    afterEaster(49, 'Pinksteren'),
    afterEaster(50, 'Tweede pinksterdag'),
    fixed('12-25', 'Kerstmis'),
    fixed('12-26', 'Tweede kerstdag'),
  ].sort((a, b) => a.date.localeCompare(b.date));
  // Hemelvaartsdag can fall on Bevrijdingsdag (2005, 2016): one day off, under the first name.
  return days.filter((day, index) => day.date !== days[index - 1]?.date);
}

/** The Dutch public holidays a team has off in `year`, as ISO dates in calendar order. */
export const dutchPublicHolidays = (year: number, liberationDay: LiberationDayRule = 'every_five_years'): string[] =>
  dutchPublicHolidayList(year, liberationDay).map((holiday) => holiday.date);

/** Which dates are public holidays; built once, asked per day. */
export interface HolidayCalendar {
  isHoliday(date: string): boolean;
}

/**
 * A holiday calendar: the Dutch defaults (unless `defaults: false`), plus
 * `extra` dates per year; a year in `years` has exactly that list instead
 * (a municipality's configured year, which can also drop a Dutch day).
 */
export function holidayCalendar(
  options: {
    liberationDay?: LiberationDayRule;
    defaults?: boolean;
    extra?: Record<number, string[]>;
    years?: ReadonlyMap<number, readonly string[]>;
  } = {},
): HolidayCalendar {
  const perYear = new Map<number, Set<string>>();
  const yearOf = (year: number) => {
    let dates = perYear.get(year);
    if (!dates) {
      dates = new Set(
        options.years?.get(year) ?? [
          ...(options.defaults === false ? [] : dutchPublicHolidays(year, options.liberationDay)),
          ...(options.extra?.[year] ?? []),
        ],
      );
      perYear.set(year, dates);
    }
    return dates;
  };
  return { isHoliday: (date) => yearOf(Number(date.slice(0, 4))).has(date) };
}

export const dutchHolidays: HolidayCalendar = holidayCalendar();

const isWorkingDay = (date: Date, holidays: HolidayCalendar) =>
  date.getUTCDay() !== 0 && date.getUTCDay() !== 6 && !holidays.isHoliday(iso(date));

/** The date `days` working days after the intake date `start` (YYYY-MM-DD). */
export function addWorkingDays(start: string, days: number, holidays: HolidayCalendar = dutchHolidays): string {
  let date = new Date(`${start}T00:00:00Z`);
  while (!isWorkingDay(date, holidays)) date = plusDays(date, 1);
  for (let counted = 0; counted < days; ) {
    date = plusDays(date, 1);
    if (isWorkingDay(date, holidays)) counted += 1;
  }
  return iso(date);
}

/** Escalation comes at three times the deadline, counted from the same intake date. */
export const ESCALATION_FACTOR = 3;

export const escalationDate = (start: string, deadlineDays: number, holidays: HolidayCalendar = dutchHolidays) =>
  addWorkingDays(start, deadlineDays * ESCALATION_FACTOR, holidays);

/** Longest deadline in minutes a rule may set (a week); longer deadlines are working days. */
export const MAX_DEADLINE_MINUTES = 7 * 24 * 60;

/**
 * A deadline in minutes instead of working days: for same-day work, and so
 * an operator can watch expiry and escalation happen on a staging system
 * without waiting days. It runs on the clock, not the calendar (weekends and
 * holidays count): the referral expires `minutes` after `now` and escalates
 * at three times that. The dates are the Amsterdam days of those instants,
 * for whatever shows or filters by date.
 */
export function minuteDeadline(
  now: Date,
  minutes: number,
): { expiresAt: string; escalatesAt: string; deadline: string; escalation: string } {
  const expiresAt = new Date(now.getTime() + minutes * 60_000);
  const escalatesAt = new Date(now.getTime() + minutes * ESCALATION_FACTOR * 60_000);
  return {
    expiresAt: expiresAt.toISOString(),
    escalatesAt: escalatesAt.toISOString(),
    deadline: amsterdamDate(expiresAt),
    escalation: amsterdamDate(escalatesAt),
  };
}

/**
 * Working days from the intake date `start` up to and including `end`, the
 * inverse of `addWorkingDays` (`workingDaysBetween(s, addWorkingDays(s, n)) === n`).
 * Referrals uses it to recover a decision's deadline in working days when the
 * decision predates `escalatesOn`.
 */
export function workingDaysBetween(start: string, end: string, holidays: HolidayCalendar = dutchHolidays): number {
  let date = new Date(`${start}T00:00:00Z`);
  while (!isWorkingDay(date, holidays)) date = plusDays(date, 1);
  const last = new Date(`${end}T00:00:00Z`);
  let counted = 0;
  while (date < last) {
    date = plusDays(date, 1);
    if (isWorkingDay(date, holidays)) counted += 1;
  }
  return counted;
}

/**
 * The instant a calendar day starts in Amsterdam (midnight, CET or CEST):
 * "on 3 March" for a team means from 00:00 Amsterdam time, whatever the
 * server's zone.
 */
export function amsterdamMidnight(date: string): Date {
  const utcMidnight = new Date(`${date}T00:00:00Z`);
  // Clocks switch at 02:00/03:00, after midnight: midnight has the offset of
  // the previous day's noon, which no switch day can confuse.
  const previousNoon = new Date(utcMidnight.getTime() - 12 * 60 * 60 * 1000);
  const hour = Number(amsterdamHour.format(previousNoon));
  return new Date(utcMidnight.getTime() - (hour - 12) * 60 * 60 * 1000);
}
