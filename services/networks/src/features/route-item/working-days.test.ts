import { describe, expect, it } from 'vitest';
import { addWorkingDays, amsterdamDate } from './working-days.ts';

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
