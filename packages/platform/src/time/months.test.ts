import { describe, expect, it } from 'vitest';
import { amsterdamMonthBounds, monthsBefore } from './months.ts';

describe('months before', () => {
  it('keeps the day and the time of day', () => {
    expect(monthsBefore(new Date('2026-12-02T10:00:00Z'), 18)).toEqual(new Date('2025-06-02T10:00:00Z'));
  });

  it('clamps to the last day of a shorter month, leap years included', () => {
    expect(monthsBefore(new Date('2026-08-31T12:00:00Z'), 6)).toEqual(new Date('2026-02-28T12:00:00Z'));
    expect(monthsBefore(new Date('2028-08-31T12:00:00Z'), 6)).toEqual(new Date('2028-02-29T12:00:00Z'));
  });
});

describe('Amsterdam month bounds', () => {
  it('when a month is asked for, then it runs from midnight Amsterdam time on the 1st to the next 1st, in winter and summer time', () => {
    expect(amsterdamMonthBounds('2026-12')).toEqual({
      from: new Date('2026-11-30T23:00:00Z'),
      to: new Date('2026-12-31T23:00:00Z'),
    });
    expect(amsterdamMonthBounds('2026-07')).toEqual({
      from: new Date('2026-06-30T22:00:00Z'),
      to: new Date('2026-07-31T22:00:00Z'),
    });
    expect(amsterdamMonthBounds('2026-03').to).toEqual(new Date('2026-03-31T22:00:00Z'));
  });

  it('when the text is no calendar month, then it throws', () => {
    expect(() => amsterdamMonthBounds('2026-13')).toThrow('not a calendar month');
  });
});
