import Holidays from 'date-holidays';
import { describe, expect, it } from 'vitest';
import {
  addWorkingDays,
  amsterdamDate,
  amsterdamMidnight,
  dutchPublicHolidayList,
  dutchPublicHolidays,
  easterSunday,
  escalationDate,
  holidayCalendar,
  minuteDeadline,
  workingDaysBetween,
} from './working-days.ts';

describe('working-day deadlines', () => {
  it('counts five working days from a Monday to the next Monday', () => {
    expect(addWorkingDays('2026-11-23', 5)).toBe('2026-11-30');
  });

  it('skips the weekend inside the period', () => {
    expect(addWorkingDays('2026-11-26', 2)).toBe('2026-11-30'); // Thursday + 2 → Monday
  });

  it('starts counting on Monday when the item comes in on a Saturday or Sunday', () => {
    expect(addWorkingDays('2026-11-28', 1)).toBe('2026-12-01'); // Saturday → Monday counts as day 0
    expect(addWorkingDays('2026-11-29', 5)).toBe('2026-12-07');
  });

  it('gives the intake day itself for zero days, or the Monday after a weekend intake', () => {
    expect(addWorkingDays('2026-11-25', 0)).toBe('2026-11-25');
    expect(addWorkingDays('2026-11-29', 0)).toBe('2026-11-30');
  });

  it('takes the date in Amsterdam, where late evening UTC is already tomorrow', () => {
    expect(amsterdamDate(new Date('2026-11-27T23:30:00Z'))).toBe('2026-11-28');
    expect(amsterdamDate(new Date('2026-07-31T21:59:00Z'))).toBe('2026-07-31');
    expect(amsterdamDate(new Date('2026-07-31T22:00:00Z'))).toBe('2026-08-01');
  });
});

/**
 * What the services used until December 2026, from the maintained date-holidays
 * data: its Dutch `public` days, plus Bevrijdingsdag (a `school` day there) by the rule.
 */
const netherlands = new Holidays('NL', { languages: ['nl'], types: ['public', 'school'] });
function fromDateHolidays(year: number, liberationDay: 'every_year' | 'every_five_years' | 'never') {
  const liberation = liberationDay === 'every_year' || (liberationDay === 'every_five_years' && year % 5 === 0);
  const days = new Map<string, string>();
  for (const holiday of netherlands.getHolidays(year)) {
    const date = holiday.date.slice(0, 10);
    const off = holiday.type === 'public' || (liberation && date.endsWith('-05-05'));
    if (off && !days.has(date)) days.set(date, holiday.name);
  }
  return [...days].sort(([a], [b]) => a.localeCompare(b)).map(([date, name]) => ({ date, name }));
}

describe('the Dutch public holidays', () => {
  it("are date-holidays' Dutch public holidays, names included, every year from 1949 to 2200, under each Bevrijdingsdag rule", () => {
    const differences: string[] = [];
    for (let year = 1949; year <= 2200; year += 1) {
      for (const rule of ['every_year', 'every_five_years', 'never'] as const) {
        const ours = JSON.stringify(dutchPublicHolidayList(year, rule));
        const theirs = JSON.stringify(fromDateHolidays(year, rule));
        if (ours !== theirs) differences.push(`${year} ${rule}: ${ours} against ${theirs}`);
      }
    }
    expect(differences).toEqual([]);
  });

  it('computes Easter Sunday, the earliest and the latest included', () => {
    expect(easterSunday(2026).toISOString().slice(0, 10)).toBe('2026-04-05');
    expect(easterSunday(2285).toISOString().slice(0, 10)).toBe('2285-03-22');
    expect(easterSunday(2038).toISOString().slice(0, 10)).toBe('2038-04-25');
  });

  it('lists the 2026 holidays, without Goede Vrijdag and, outside a lustrum year, without Bevrijdingsdag', () => {
    expect(dutchPublicHolidays(2026)).toEqual([
      '2026-01-01',
      '2026-04-05',
      '2026-04-06',
      '2026-04-27',
      '2026-05-14',
      '2026-05-24',
      '2026-05-25',
      '2026-12-25',
      '2026-12-26',
    ]);
    expect(dutchPublicHolidays(2026)).not.toContain('2026-04-03'); // Goede Vrijdag
  });

  it('moves Koningsdag to 26 April when 27 April is a Sunday', () => {
    expect(dutchPublicHolidays(2025)).toContain('2025-04-26');
    expect(dutchPublicHolidays(2025)).not.toContain('2025-04-27');
  });

  it('gives Bevrijdingsdag every five years by default, every year or never when configured', () => {
    expect(dutchPublicHolidays(2030)).toContain('2030-05-05');
    expect(dutchPublicHolidays(2026)).not.toContain('2026-05-05');
    expect(dutchPublicHolidays(2026, 'every_year')).toContain('2026-05-05');
    expect(dutchPublicHolidays(2030, 'never')).not.toContain('2030-05-05');
  });

  it('names each day, Easter and Whitsun moving with the year', () => {
    expect(dutchPublicHolidayList(2038)).toContainEqual({ date: '2038-04-25', name: 'Pasen' }); // the latest Easter
    expect(dutchPublicHolidayList(2030)).toContainEqual({ date: '2030-05-05', name: 'Bevrijdingsdag' });
    expect(dutchPublicHolidayList(2026)).toContainEqual({ date: '2026-05-14', name: 'Hemelvaartsdag' });
  });

  it('lets a configured year replace the Dutch list while other years keep it', () => {
    const calendar = holidayCalendar({ years: new Map([[2026, ['2026-11-24']]]), extra: { 2027: ['2027-03-01'] } });
    expect(calendar.isHoliday('2026-11-24')).toBe(true);
    expect(calendar.isHoliday('2026-12-25')).toBe(false);
    expect(calendar.isHoliday('2027-12-25')).toBe(true);
    expect(calendar.isHoliday('2027-03-01')).toBe(true);
  });
});

describe('deadlines in minutes', () => {
  it('runs on the clock, the dates being the Amsterdam days of the instants', () => {
    expect(minuteDeadline(new Date('2026-12-31T22:30:00Z'), 60)).toEqual({
      expiresAt: '2026-12-31T23:30:00.000Z',
      escalatesAt: '2027-01-01T01:30:00.000Z',
      deadline: '2027-01-01',
      escalation: '2027-01-01',
    });
  });
});

describe('working days across holidays', () => {
  it('skips Tweede Paasdag and Koningsdag inside the period', () => {
    // Thursday 2 April 2026 + 5: Fri 3, (Easter weekend), Mon 6 is a holiday, Tue 7, Wed 8, Thu 9, Fri 10
    expect(addWorkingDays('2026-04-02', 5)).toBe('2026-04-10');
    // Friday 24 April + 2: Mon 27 is Koningsdag → Tue 28, Wed 29
    expect(addWorkingDays('2026-04-24', 2)).toBe('2026-04-29');
  });

  it('starts counting on the next working day when the intake is on a holiday', () => {
    expect(addWorkingDays('2026-12-25', 0)).toBe('2026-12-28'); // Christmas Friday → Monday
    expect(addWorkingDays('2026-12-24', 1)).toBe('2026-12-28');
    expect(addWorkingDays('2026-12-31', 1)).toBe('2027-01-04'); // Nieuwjaarsdag is a Friday
  });

  it('takes Hemelvaartsdag and Pinkstermaandag off in May', () => {
    // Wed 13 May 2026 + 3: Thu 14 Hemelvaart, Fri 15, Mon 18, Tue 19
    expect(addWorkingDays('2026-05-13', 3)).toBe('2026-05-19');
    // Fri 22 May + 1: Mon 25 Pinkstermaandag → Tue 26
    expect(addWorkingDays('2026-05-22', 1)).toBe('2026-05-26');
  });

  it('uses a configured calendar: extra local holidays, or none at all', () => {
    const local = holidayCalendar({ extra: { 2026: ['2026-11-24'] } });
    expect(addWorkingDays('2026-11-23', 1, local)).toBe('2026-11-25');
    const none = holidayCalendar({ defaults: false });
    expect(addWorkingDays('2026-04-24', 2, none)).toBe('2026-04-28');
  });

  it('escalates at three times the deadline from the same intake date', () => {
    expect(escalationDate('2026-11-23', 5)).toBe('2026-12-14');
    // 3 days × 3 = 9 working days from Fri 18 Dec 2026 across Christmas and New Year
    expect(escalationDate('2026-12-18', 3)).toBe('2027-01-04');
  });
});

describe('counting working days back and Amsterdam midnight', () => {
  it('counts the working days addWorkingDays added, weekends and holidays included', () => {
    for (const start of ['2026-11-23', '2026-11-28', '2026-12-23', '2026-04-01']) {
      for (const days of [0, 1, 3, 5, 10, 15]) {
        expect(workingDaysBetween(start, addWorkingDays(start, days))).toBe(days);
      }
    }
  });

  it('starts an Amsterdam day at 23:00 UTC in winter and 22:00 UTC in summer, also on the switch days', () => {
    expect(amsterdamMidnight('2026-12-01').toISOString()).toBe('2026-11-30T23:00:00.000Z');
    expect(amsterdamMidnight('2026-07-01').toISOString()).toBe('2026-06-30T22:00:00.000Z');
    expect(amsterdamMidnight('2026-03-29').toISOString()).toBe('2026-03-28T23:00:00.000Z');
    expect(amsterdamMidnight('2026-10-25').toISOString()).toBe('2026-10-24T22:00:00.000Z');
  });
});
