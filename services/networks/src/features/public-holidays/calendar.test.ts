import { addWorkingDays, dutchPublicHolidays } from '@vangnet/platform/working-days';
import { describe, expect, it } from 'vitest';
import { configuredCalendar, defaultPublicHolidays, invalidHolidays } from './calendar.ts';

describe('the public holiday calendar', () => {
  it('when no year is configured, then the Dutch holidays count', () => {
    const calendar = configuredCalendar(new Map());
    // Thursday 24 December 2026 + 1 working day: Christmas and the weekend pass.
    expect(addWorkingDays('2026-12-24', 1, calendar)).toBe('2026-12-28');
  });

  it('when a year is configured, then its list replaces the Dutch one for that year only', () => {
    const calendar = configuredCalendar(new Map([[2026, ['2026-11-24']]]));
    // Monday 23 November: the configured Tuesday is skipped.
    expect(addWorkingDays('2026-11-23', 1, calendar)).toBe('2026-11-25');
    // Christmas 2026 is no longer in the configured list...
    expect(calendar.isHoliday('2026-12-25')).toBe(false);
    // ...but 2027 still has the Dutch list.
    expect(calendar.isHoliday('2027-01-01')).toBe(true);
  });

  it('names every Dutch default holiday', () => {
    for (const year of [2025, 2026, 2027]) {
      const holidays = defaultPublicHolidays(year);
      expect(holidays.map((holiday) => holiday.date)).toEqual(dutchPublicHolidays(year));
      expect(holidays.every((holiday) => holiday.name.length > 0)).toBe(true);
    }
    expect(defaultPublicHolidays(2025)).toContainEqual({ date: '2025-05-05', name: 'Bevrijdingsdag' });
    expect(defaultPublicHolidays(2026)).toContainEqual({ date: '2026-05-14', name: 'Hemelvaartsdag' });
  });

  it('refuses a date in another year and a date given twice, naming each', () => {
    expect(
      invalidHolidays(2026, [
        { date: '2026-01-01', name: 'Nieuwjaar' },
        { date: '2027-01-01', name: 'Nieuwjaar' },
        { date: '2026-01-01', name: 'Nogmaals' },
      ]),
    ).toEqual([
      expect.objectContaining({ pointer: '/holidays/1/date', code: 'HOLIDAY_OUTSIDE_YEAR' }),
      expect.objectContaining({ pointer: '/holidays/2/date', code: 'HOLIDAY_DUPLICATE' }),
    ]);
    expect(invalidHolidays(2026, defaultPublicHolidays(2026))).toEqual([]);
  });
});
